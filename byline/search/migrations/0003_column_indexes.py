from django.db import migrations

# PostgreSQL only: one GIN index per ranked column, matching the expressions the search tiers
# test (backends.PostgresBackend.COLUMNS). Each gets its own statistics on ANALYZE, so the
# planner knows how rare a word is in titles, subtitles or tags, not only in whole documents.
COLUMNS = {"title": "search_title_gin", "subtitle": "search_subtitle_gin", "tags": "search_tags_gin"}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column, name in COLUMNS.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON search_searchdocument "
            f"USING gin (to_tsvector('english'::regconfig, {column}))"
        )
    schema_editor.execute("ANALYZE search_searchdocument")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in COLUMNS.values():
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_people_index")]

    operations = [migrations.RunPython(forward, backward)]
