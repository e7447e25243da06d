from django.conf import settings
from django.db import migrations, models

import byline.stories.models


def fill_sizes_and_references(apps, schema_editor):
    """Sizes from the storage, references from every story text and revision kept so far."""
    from django.core.files.storage import default_storage

    from byline.stories.references import inline_image_names

    StoryImage = apps.get_model("stories", "StoryImage")
    Story = apps.get_model("stories", "Story")
    StoryRevision = apps.get_model("stories", "StoryRevision")
    if not StoryImage.objects.exists():
        return
    for image in StoryImage.objects.only("pk", "image").iterator():
        try:
            size = default_storage.size(image.image.name)
        except OSError:
            continue
        StoryImage.objects.filter(pk=image.pk).update(size=size)
    links = StoryImage.stories.through
    pks = dict(StoryImage.objects.values_list("image", "pk"))
    found = set()
    texts = (
        Story.objects.filter(body__contains="inline/").values_list("pk", "body"),
        StoryRevision.objects.filter(body__contains="inline/").values_list("story_id", "body"),
    )
    for rows in texts:
        for story_id, body in rows.iterator():
            for name in inline_image_names(body):
                if name in pks:
                    found.add((pks[name], story_id))
    links.objects.bulk_create(
        [links(storyimage_id=image_id, story_id=story_id) for image_id, story_id in found],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0007_story_search_idx"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="storyimage",
            name="size",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="storyimage",
            name="stories",
            field=models.ManyToManyField(
                blank=True, related_name="inline_images", to="stories.story"
            ),
        ),
        migrations.AlterField(
            model_name="storyimage",
            name="author",
            field=models.ForeignKey(
                on_delete=models.SET(byline.stories.models.deleted_account),
                related_name="story_images",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(fill_sizes_and_references, migrations.RunPython.noop),
    ]
