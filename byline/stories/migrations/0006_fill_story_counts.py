from django.db import migrations

# Fill Community.story_count and Tag.story_count from the current rows: one GROUP BY each,
# joined into an UPDATE (UPDATE … FROM: PostgreSQL, SQLite ≥ 3.33). Counted: status published
# (see byline/discovery/counts.py, which keeps them right from now on).


def fill_counts(apps, schema_editor):
    connection = schema_editor.connection
    qn = connection.ops.quote_name
    story = qn(apps.get_model("stories", "Story")._meta.db_table)
    through = qn(apps.get_model("stories", "Story").tags.through._meta.db_table)
    community = qn(apps.get_model("communities", "Community")._meta.db_table)
    tag = qn(apps.get_model("stories", "Tag")._meta.db_table)
    statements = [
        f"UPDATE {community} SET story_count = counted.n FROM ("
        f"SELECT community_id, COUNT(*) AS n FROM {story} WHERE status = %s "
        f"AND community_id IS NOT NULL GROUP BY community_id) AS counted "
        f"WHERE {community}.id = counted.community_id",
        f"UPDATE {tag} SET story_count = counted.n FROM ("
        f"SELECT {through}.tag_id, COUNT(*) AS n FROM {through} "
        f"JOIN {story} ON {story}.id = {through}.story_id "
        f"WHERE {story}.status = %s GROUP BY {through}.tag_id) AS counted "
        f"WHERE {tag}.id = counted.tag_id",
    ]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, ["published"])


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0002_community_story_count"),
        ("stories", "0005_tag_story_count_tag_tag_popular_idx"),
    ]

    operations = [migrations.RunPython(fill_counts, migrations.RunPython.noop)]
