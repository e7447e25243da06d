from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from byline.accounts.models import User
from byline.insights.labels import INSIGHT_BY_KEY, RATING_BY_KEY, RATINGS, TOP_INSIGHTS, Label
from byline.insights.models import Insight, Rating
from byline.stories.models import Story


@dataclass
class InsightsSummary:
    top_rating: Label | None = None
    rating_counts: list[tuple[Label, int]] = field(default_factory=list)
    top_insights: list[tuple[Label, int]] = field(default_factory=list)
    viewer_rating: str | None = None
    viewer_insights: set[str] = field(default_factory=set)

    @property
    def is_empty(self) -> bool:
        return not self.rating_counts and not self.top_insights

    @property
    def all_ratings(self) -> list[tuple[Label, int]]:
        """Every rating with its count, zeros included, in the preset order (for the author)."""
        counts = {label.key: n for label, n in self.rating_counts}
        return [(label, counts.get(label.key, 0)) for label in RATINGS]

    @property
    def all_insights(self) -> list[tuple[Label, int]]:
        """Every top insight with its count, zeros included, most given first (for the author)."""
        counts = {label.key: n for label, n in self.top_insights}
        ranked = sorted(TOP_INSIGHTS, key=lambda label: -counts.get(label.key, 0))
        return [(label, counts.get(label.key, 0)) for label in ranked]

    @property
    def viewer_choices(self) -> list[tuple[Label, bool]]:
        return [(label, label.key == self.viewer_rating) for label in RATINGS]

    @property
    def viewer_insight_choices(self) -> list[tuple[Label, bool]]:
        return [(label, label.key in self.viewer_insights) for label in TOP_INSIGHTS]


def insights_summary(*, story: Story, viewer: User | None = None) -> InsightsSummary:
    """Counts for the story page: most given rating, top insights (most given first)."""
    ratings = (
        Rating.objects.filter(story=story)
        .values("value")
        .annotate(n=Count("id"))
        .order_by("-n", "value")
    )
    insights = (
        Insight.objects.filter(story=story)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by("-n", "kind")
    )
    summary = InsightsSummary(
        rating_counts=[
            (RATING_BY_KEY[r["value"]], r["n"]) for r in ratings if r["value"] in RATING_BY_KEY
        ],
        top_insights=[
            (INSIGHT_BY_KEY[i["kind"]], i["n"]) for i in insights if i["kind"] in INSIGHT_BY_KEY
        ],
    )
    if summary.rating_counts:
        summary.top_rating = summary.rating_counts[0][0]
    if viewer is not None and viewer.is_authenticated:
        summary.viewer_rating = (
            Rating.objects.filter(story=story, reader=viewer)
            .values_list("value", flat=True)
            .first()
        )
        summary.viewer_insights = set(
            Insight.objects.filter(story=story, reader=viewer).values_list("kind", flat=True)
        )
    return summary
