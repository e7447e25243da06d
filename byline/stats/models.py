"""Daily rollups of reading statistics: one row per story per day, written by the view-count
flush (never per view), so a creator's dashboard reads a few hundred rows, not raw events."""

from django.db import models

from byline.stories.models import Story


class StoryDay(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="+")
    # The day the views were flushed, in the site's time zone (BYLINE_TIME_ZONE): a view is
    # flushed within BYLINE_VIEW_FLUSH_SECONDS, so one seen just before midnight may count for
    # the next day.
    day = models.DateField()
    # Database defaults too: the flush's upsert writes one column and the other starts at 0.
    views = models.PositiveIntegerField(default=0, db_default=0)
    # Page loads in which the reader reached the end of the text (byline.stats.reads).
    reads = models.PositiveIntegerField(default=0, db_default=0)
    # Distinct readers that day (approximately: one per address and browser), from ReaderDay.
    readers = models.PositiveIntegerField(default=0, db_default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "day"], name="stats_storyday_one_per_day")
        ]
        indexes = [models.Index(fields=["day"], name="stats_storyday_day")]

    def __str__(self) -> str:
        return f"{self.story_id} on {self.day}: {self.views} views, {self.reads} reads"


class FlushBatch(models.Model):
    """A batch of buffered counts written to the database, recorded in the same transaction, so
    a batch claimed by a flush that died is applied once: again if its row is missing, never if
    it is there (byline.stats.buffer.RedisViewBuffer). Rows older than a week are pruned."""

    batch = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.batch


class StorySource(models.Model):
    """Page loads of a story per day by the referring host ("" for none): host names only,
    written by the flush like StoryDay."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    host = models.CharField(max_length=100, blank=True)
    loads = models.PositiveIntegerField(default=0, db_default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["story", "day", "host"], name="stats_storysource_one_per_host"
            )
        ]
        indexes = [models.Index(fields=["day"], name="stats_storysource_day")]

    def __str__(self) -> str:
        return f"{self.story_id} on {self.day} from {self.host or 'nowhere'}: {self.loads}"


class DailySalt(models.Model):
    """A random salt per day, shared by every process, for counting unique readers: a reader
    is a digest of the salt, their address and browser, kept only for the day it counts
    (ReaderDay); once a day is over its salt and digests are deleted, and nobody, the site
    included, can tell who the readers were."""

    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    def __str__(self) -> str:
        return str(self.day)


class ReaderDay(models.Model):
    """One reader of one story on the current day, as a salted digest (see DailySalt)."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    digest = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["story", "day", "digest"], name="stats_readerday_one_per_reader"
            )
        ]
        indexes = [models.Index(fields=["day"], name="stats_readerday_day")]

    def __str__(self) -> str:
        return f"{self.story_id} on {self.day}"


class StoryDepth(models.Model):
    """Page loads of a story per day by how far down the text the reader had got when they
    first left the page (0, 25, 50, 75 or 100 per cent), written by the flush."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    depth = models.PositiveSmallIntegerField()
    loads = models.PositiveIntegerField(default=0, db_default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["story", "day", "depth"], name="stats_storydepth_one_per_depth"
            )
        ]

    def __str__(self) -> str:
        return f"{self.story_id} on {self.day} to {self.depth} %: {self.loads}"
