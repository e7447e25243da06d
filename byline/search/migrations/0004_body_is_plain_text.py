from django.db import migrations, models

# The index holds the story's plain text (Story.body_text, the visible text of the rendered,
# sanitized HTML) instead of its Markdown, so snippets show what readers read. One UPDATE; the
# FTS5 triggers (SQLite) and the generated tsvector (PostgreSQL) follow it.


def fill(apps, schema_editor):
    document = apps.get_model("search", "SearchDocument")._meta.db_table
    story = apps.get_model("stories", "Story")._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {document} SET body = COALESCE((SELECT s.body_text FROM {story} s "
            f"WHERE s.id = {document}.story_id), '')"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_column_indexes"),
        ("stories", "0011_fill_body_text_and_resanitize"),
    ]

    operations = [
        migrations.AlterField(
            model_name="searchdocument",
            name="body",
            field=models.TextField(
                blank=True, help_text="The plain text of the story (Story.body_text)."
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
