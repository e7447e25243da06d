from django.db import models


class SearchDocument(models.Model):
    """The searchable text of one published story, kept in sync by signals (search/signals.py).

    Only published stories have a row. The full-text index itself is vendor specific and lives
    next to this table (see search/backends/, migration 0001): on SQLite an FTS5 table with this
    table as its external content, kept current by triggers; on PostgreSQL a generated,
    weighted `tsvector` column with a GIN index. Both follow every INSERT/UPDATE/DELETE here, so
    Python code only ever writes these plain columns.
    """

    story = models.OneToOneField(
        "stories.Story", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    title = models.TextField()
    subtitle = models.TextField(blank=True)
    tags = models.TextField(blank=True, help_text="Tag names separated by spaces.")
    body = models.TextField(blank=True, help_text="The plain text of the story (Story.body_text).")

    def __str__(self) -> str:
        return self.title
