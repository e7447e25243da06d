from django.db import migrations

# "Top, all time" walks stories by likes: (status, like_count DESC, id DESC), like
# story_trending_idx does for trending. The table belongs to the stories app, so the index is
# created here with plain SQL that SQLite and PostgreSQL both understand.


class Migration(migrations.Migration):
    dependencies = [
        ("discovery", "0001_staff_picks"),
        ("stories", "0002_engagement_counters"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS story_top_idx "
            "ON stories_story (status, like_count DESC, id DESC)",
            "DROP INDEX IF EXISTS story_top_idx",
        ),
    ]
