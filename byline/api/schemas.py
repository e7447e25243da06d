"""What the API sends and accepts. Output schemas are built from model instances (no extra
queries: list selectors prefetch what these read)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Generic, TypeVar

from ninja import Field, Schema
from pydantic import StringConstraints

from byline.comments.models import BODY_MAX_LENGTH as COMMENT_MAX_LENGTH
from byline.core.links import site_url
from byline.stories.models import (
    BODY_MAX_LENGTH,
    CAPTION_MAX_LENGTH,
    CREDIT_MAX_LENGTH,
    MAX_TAGS,
    SUBTITLE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)

T = TypeVar("T")


class PageOut(Schema, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(None, description="Pass as `cursor` to get the next page.")


class CreatorBriefOut(Schema):
    handle: str
    name: str
    url: str

    @staticmethod
    def resolve_handle(obj) -> str:
        return obj.username

    @staticmethod
    def resolve_url(obj) -> str:
        return site_url(obj.get_absolute_url())


class CreatorOut(CreatorBriefOut):
    bio: str
    website: str
    avatar_url: str | None
    joined_at: dt.datetime

    @staticmethod
    def resolve_avatar_url(obj) -> str | None:
        return site_url(obj.avatar.url) if obj.avatar else None

    @staticmethod
    def resolve_joined_at(obj) -> dt.datetime:
        return obj.date_joined


class MeOut(CreatorOut):
    email: str
    is_moderator: bool
    is_suspended: bool
    token_scope: str | None = Field(None, description="`read` or `write`; null for the session.")


class CommunityOut(Schema):
    slug: str
    name: str
    description: str
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return site_url(obj.get_absolute_url())


class CommunityBriefOut(Schema):
    slug: str
    name: str


class TagOut(Schema):
    slug: str
    name: str
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return site_url(obj.get_absolute_url())


class StorySummaryOut(Schema):
    id: int
    title: str
    subtitle: str
    summary: str = Field(
        description=(
            "What lists, feeds and link previews show: the subtitle, else the excerpt. Plain "
            "text, never markup: escape it for HTML."
        )
    )
    excerpt: str = Field(
        description="The opening words of the story's text as readers see it (plain text)."
    )
    slug: str
    url: str
    status: str
    author: CreatorBriefOut
    community: CommunityBriefOut | None
    tags: list[TagOut]
    published_at: dt.datetime | None
    updated_at: dt.datetime
    reading_minutes: int
    word_count: int
    like_count: int
    comment_count: int
    insight_count: int
    hero_image_url: str | None

    @staticmethod
    def resolve_url(obj) -> str:
        return site_url(obj.get_absolute_url())

    @staticmethod
    def resolve_tags(obj) -> list:
        return list(obj.tags.all())

    @staticmethod
    def resolve_hero_image_url(obj) -> str | None:
        return site_url(obj.hero_image.url) if obj.hero_image else None


class SearchHitOut(StorySummaryOut):
    score: float = Field(
        description=(
            "Where the query matched: 3 the title, 2 the subtitle, 1 the tags, 0 the text. "
            "Results come highest first, newest first within a score."
        )
    )
    title_html: str = Field(description="The title, HTML-escaped, matches in <mark>.")
    subtitle_html: str = Field(description="The subtitle, HTML-escaped, matches in <mark>.")
    snippet_html: str = Field(description="A piece of the text around the matches, likewise.")


class StoryOut(StorySummaryOut):
    body: str = Field(description="Markdown.")
    body_html: str = Field(description="Rendered and sanitized.")
    hero_image_caption: str
    hero_image_credit: str
    comments_enabled: bool
    rejection_reason: str
    created_at: dt.datetime
    version: int = Field(
        description="The text's version, one more on every save. Send it back as `version` "
        "(or `If-Match`) when editing, so that an edit made on an old copy is refused (409)."
    )


Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX_LENGTH)
]
Subtitle = Annotated[str, StringConstraints(strip_whitespace=True, max_length=SUBTITLE_MAX_LENGTH)]
Body = Annotated[str, StringConstraints(max_length=BODY_MAX_LENGTH)]
Caption = Annotated[str, StringConstraints(strip_whitespace=True, max_length=CAPTION_MAX_LENGTH)]
Credit = Annotated[str, StringConstraints(strip_whitespace=True, max_length=CREDIT_MAX_LENGTH)]
TagName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=160)]


class StoryIn(Schema):
    title: Title
    subtitle: Subtitle = ""
    body: Body = ""
    community: str | None = Field(None, max_length=80, description="A community slug.")
    tags: list[TagName] = Field(default_factory=list, max_length=MAX_TAGS)
    comments_enabled: bool = True
    hero_image_caption: Caption = ""
    hero_image_credit: Credit = ""


class StoryPatch(Schema):
    """Only the fields sent are changed; `community: null` takes the story out of its community."""

    title: Title | None = None
    subtitle: Subtitle | None = None
    body: Body | None = None
    slug: Slug | None = None
    community: str | None = Field(None, max_length=80)
    tags: list[TagName] | None = Field(None, max_length=MAX_TAGS)
    comments_enabled: bool | None = None
    hero_image_caption: Caption | None = None
    hero_image_credit: Credit | None = None
    version: int | None = Field(
        None,
        ge=1,
        le=2**31,
        description="The version this edit was made on (from StoryOut). When the story was "
        "saved since with other text, nothing is changed and the answer is 409 "
        "`edit_conflict`. Also accepted as the `If-Match` header.",
    )


class ReasonIn(Schema):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""


CommentBody = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=COMMENT_MAX_LENGTH)
]


class CommentIn(Schema):
    body: CommentBody
    parent: int | None = Field(None, ge=1, le=2**62, description="Reply to this comment.")


class CommentPatch(Schema):
    body: CommentBody


class CommentOut(Schema):
    id: int
    story: int
    parent: int | None
    author: CreatorBriefOut | None
    body: str
    body_html: str
    created_at: dt.datetime
    edited_at: dt.datetime | None
    is_deleted: bool

    @staticmethod
    def resolve_story(obj) -> int:
        return obj.story_id

    @staticmethod
    def resolve_parent(obj) -> int | None:
        return obj.parent_id

    @staticmethod
    def resolve_author(obj):
        return None if obj.is_deleted else obj.author


class LabelCountOut(Schema):
    key: str
    label: str
    description: str
    count: int


class InsightsOut(Schema):
    top_rating: str | None
    ratings: list[LabelCountOut]
    insights: list[LabelCountOut]
    your_rating: str | None = Field(None, description="Only for a signed-in caller.")
    your_insights: list[str] = Field(default_factory=list)


class RatingIn(Schema):
    value: str = Field(description="good_effort, nice_work or outstanding.", max_length=20)


class InsightIn(Schema):
    kind: str = Field(description="One of the top insight keys.", max_length=20)


class NotificationOut(Schema):
    id: int
    kind: str
    message: str
    actor: CreatorBriefOut | None
    story: int | None
    comment: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None

    @staticmethod
    def resolve_story(obj) -> int | None:
        return obj.story_id

    @staticmethod
    def resolve_comment(obj) -> int | None:
        return obj.comment_id


class CountOut(Schema):
    count: int
