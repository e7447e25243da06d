import django.db.models.deletion
from django.db import migrations, models

# The full-text index is vendor specific, so it is created in RunPython with a vendor check
# (RunSQL alone would run the same SQL everywhere).

SQLITE_FORWARD = [
    # External-content FTS5 table over search_searchdocument: the text is stored once, in the
    # plain table, and the triggers keep the index in step with every write to it.
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        title, subtitle, tags, body,
        content='search_searchdocument', content_rowid='story_id',
        tokenize='porter unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER search_fts_ai AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, title, subtitle, tags, body)
        VALUES (new.story_id, new.title, new.subtitle, new.tags, new.body);
    END""",
    """CREATE TRIGGER search_fts_ad AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, subtitle, tags, body)
        VALUES ('delete', old.story_id, old.title, old.subtitle, old.tags, old.body);
    END""",
    """CREATE TRIGGER search_fts_au AFTER UPDATE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, subtitle, tags, body)
        VALUES ('delete', old.story_id, old.title, old.subtitle, old.tags, old.body);
        INSERT INTO search_fts(rowid, title, subtitle, tags, body)
        VALUES (new.story_id, new.title, new.subtitle, new.tags, new.body);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES_FORWARD = [
    # Weights: A title, B subtitle, C tags, D body (ts_rank's defaults make A > B > C > D).
    """ALTER TABLE search_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') ||
        setweight(to_tsvector('english'::regconfig, coalesce(subtitle, '')), 'B') ||
        setweight(to_tsvector('english'::regconfig, coalesce(tags, '')), 'C') ||
        setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'D')
    ) STORED""",
    "CREATE INDEX search_document_vector_gin ON search_searchdocument USING gin (vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_document_vector_gin",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def index_published_stories(apps, schema_editor):
    """Index the stories published before this app existed (set-based, like `byline reindex`)."""
    aggregate = {"sqlite": "group_concat(t.name, ' ')", "postgresql": "string_agg(t.name, ' ')"}
    if schema_editor.connection.vendor not in aggregate:
        return
    schema_editor.execute(
        f"""INSERT INTO search_searchdocument (story_id, title, subtitle, tags, body)
        SELECT s.id, s.title, s.subtitle,
               COALESCE((SELECT {aggregate[schema_editor.connection.vendor]}
                         FROM stories_tag t JOIN stories_story_tags st ON st.tag_id = t.id
                         WHERE st.story_id = s.id), ''),
               s.body
        FROM stories_story s WHERE s.status = 'published'"""
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("stories", "0002_engagement_counters"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "story",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="stories.story",
                    ),
                ),
                ("title", models.TextField()),
                ("subtitle", models.TextField(blank=True)),
                ("tags", models.TextField(blank=True, help_text="Tag names separated by spaces.")),
                ("body", models.TextField(blank=True, help_text="The Markdown source.")),
            ],
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
        migrations.RunPython(index_published_stories, migrations.RunPython.noop),
    ]
