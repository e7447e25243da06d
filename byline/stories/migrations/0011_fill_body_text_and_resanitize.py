from django.db import migrations

# Bring stored story HTML up to what the sanitizer now enforces (prefixed heading ids and the
# in-page links to them, rel="nofollow ugc noopener noreferrer" on external links) and fill the
# plain text and excerpt from it. sanitize_html is idempotent and needs no re-render of the
# Markdown (nh3 is fast; markdown-it at a million stories would take most of an hour).
BATCH = 500


def fill(apps, schema_editor):
    from byline.core.rendering import excerpt, html_text_and_images, sanitize_html

    Story = apps.get_model("stories", "Story")
    last = 0
    while True:
        batch = list(Story.objects.filter(pk__gt=last).order_by("pk").only("pk", "body_html")[:BATCH])
        if not batch:
            return
        for story in batch:
            story.body_html = sanitize_html(story.body_html)
            story.body_text, _ = html_text_and_images(story.body_html)
            story.excerpt = excerpt(story.body_text)
        Story.objects.bulk_update(batch, ["body_html", "body_text", "excerpt"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("stories", "0010_story_body_text_excerpt")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
