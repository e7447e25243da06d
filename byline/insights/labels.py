"""The reader-insight vocabulary, in one place (texts as Vocal shows them).

Keys are stored in the database; labels and descriptions can change freely.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Label:
    key: str
    label: str
    description: str


RATINGS: tuple[Label, ...] = (
    Label("good_effort", "Good Effort", "You have potential. Keep practicing and don't give up!"),
    Label("nice_work", "Nice Work", "Very well written. Keep up the good work!"),
    Label("outstanding", "Outstanding", "Excellent work. Looking forward to reading more!"),
)

TOP_INSIGHTS: tuple[Label, ...] = (
    Label("eye_opening", "Eye opening", "Niche topic & fresh perspectives"),
    Label("easy_to_read", "Easy to read and follow", "Well-structured & engaging content"),
    Label(
        "storytelling", "Excellent storytelling", "Original narrative & well developed characters"
    ),
    Label(
        "expert_insights",
        "Expert insights and opinions",
        "Arguments were carefully researched and presented",
    ),
    Label("heartfelt", "Heartfelt and relatable", "The story invoked strong personal emotions"),
    Label("proofreading", "Masterful proofreading", "Zero grammar & spelling mistakes"),
)

RATING_BY_KEY = {item.key: item for item in RATINGS}
INSIGHT_BY_KEY = {item.key: item for item in TOP_INSIGHTS}
RATING_CHOICES = [(item.key, item.label) for item in RATINGS]
INSIGHT_CHOICES = [(item.key, item.label) for item in TOP_INSIGHTS]

HOW_IT_WORKS = (
    "Readers who are signed in can tell a creator what worked: one overall rating and any of the "
    "top insights that fit. Each reader counts once per insight and can take it back. The story "
    "shows the most given rating and the most given insights, and the creator sees every count."
)
