from django.db import migrations, transaction

# Creators are found by any part of their handle or display name ("arch" finds Alice Archer).
# A substring match scans every account unless a trigram index answers it: an FTS5 table with
# the trigram tokenizer on SQLite, pg_trgm GIN indexes on PostgreSQL (matching the expressions
# Django's icontains lookup writes: UPPER(column::text)).

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE search_people USING fts5(
        username, display_name,
        content='accounts_user', content_rowid='id', tokenize='trigram'
    )""",
    """CREATE TRIGGER search_people_ai AFTER INSERT ON accounts_user BEGIN
        INSERT INTO search_people(rowid, username, display_name)
        VALUES (new.id, new.username, new.display_name);
    END""",
    """CREATE TRIGGER search_people_ad AFTER DELETE ON accounts_user BEGIN
        INSERT INTO search_people(search_people, rowid, username, display_name)
        VALUES ('delete', old.id, old.username, old.display_name);
    END""",
    # Only a change of name touches the index (not every sign-in's last_login).
    """CREATE TRIGGER search_people_au AFTER UPDATE OF username, display_name ON accounts_user
    BEGIN
        INSERT INTO search_people(search_people, rowid, username, display_name)
        VALUES ('delete', old.id, old.username, old.display_name);
        INSERT INTO search_people(rowid, username, display_name)
        VALUES (new.id, new.username, new.display_name);
    END""",
    "INSERT INTO search_people(search_people) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_people_au",
    "DROP TRIGGER IF EXISTS search_people_ad",
    "DROP TRIGGER IF EXISTS search_people_ai",
    "DROP TABLE IF EXISTS search_people",
]
POSTGRES_INDEXES = [
    "CREATE INDEX IF NOT EXISTS user_handle_trgm ON accounts_user "
    "USING gin (UPPER(username::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS user_name_trgm ON accounts_user "
    "USING gin (UPPER(display_name::text) gin_trgm_ops)",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS user_handle_trgm", "DROP INDEX IF EXISTS user_name_trgm"]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        try:
            # pg_trgm ships with PostgreSQL and is a trusted extension (13+): the database's
            # owner may create it. Where that is refused, creator search still works, by a scan.
            with transaction.atomic():
                schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception:  # noqa: BLE001 - any refusal means: no trigram indexes
            return
        for statement in POSTGRES_INDEXES:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("accounts", "0002_handleredirect"),
    ]

    operations = [migrations.RunPython(forward, backward)]
