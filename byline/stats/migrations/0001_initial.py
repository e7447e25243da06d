import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("stories", "0011_fill_body_text_and_resanitize"),
    ]

    operations = [
        migrations.CreateModel(
            name="StoryDay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField()),
                ("views", models.PositiveIntegerField(default=0)),
                (
                    "story",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="stories.story",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["day"], name="stats_storyday_day")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("story", "day"), name="stats_storyday_one_per_day"
                    )
                ],
            },
        ),
    ]
