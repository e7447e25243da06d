from django.db import migrations

# Stored comment HTML gets what the sanitizer now enforces on links (rel="nofollow ugc noopener
# noreferrer"); sanitize_html is idempotent, so this needs no re-render of the Markdown.
BATCH = 1000


def resanitize(apps, schema_editor):
    from byline.core.rendering import COMMENT_TAGS, sanitize_html

    Comment = apps.get_model("comments", "Comment")
    last = 0
    while True:
        batch = list(
            Comment.objects.filter(pk__gt=last, body_html__contains="<a ")
            .order_by("pk")
            .only("pk", "body_html")[:BATCH]
        )
        if not batch:
            return
        for comment in batch:
            comment.body_html = sanitize_html(comment.body_html, tags=COMMENT_TAGS)
        Comment.objects.bulk_update(batch, ["body_html"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("comments", "0002_comment_author_recent_idx")]

    operations = [migrations.RunPython(resanitize, migrations.RunPython.noop)]
