"""Export stories as a zip of Markdown files (the import format) with their images and a JSON
record of the comments and insights they received (`export_zip`; importing.py reads it back).

Zip layout (one folder per creator, so a whole-site export has the same shape):

    stories/<handle>/<slug>.md      front matter + Markdown body (see docs/import-export.md)
    stories/<handle>/<slug>.<ext>   the hero image, when the story has one
    engagement.json                 comments and insight counts received, per story
"""

from __future__ import annotations

import json
import zipfile
from typing import BinaryIO

import yaml
from django.db.models import Count, Prefetch, QuerySet

from byline.accounts.models import User
from byline.comments.models import Comment
from byline.insights.models import Insight, Rating
from byline.stories.models import Story

EXPORT_FORMAT = "byline-export"
EXPORT_VERSION = 1
IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "gif", "webp")


def story_front_matter(story: Story) -> dict:
    """The front matter that `parse_story_file` reads back into the same story."""
    meta: dict = {
        "title": story.title,
        "subtitle": story.subtitle,
        "slug": story.slug,
        "author": story.author.name,
        "author_handle": story.author.username,
        "author_bio": story.author.bio,
        "author_website": story.author.website,
        "status": "published" if story.is_published else "draft",
    }
    if story.is_published and story.published_at:
        meta["published_at"] = story.published_at.isoformat().replace("+00:00", "Z")
    if story.community:
        meta["community"] = story.community.name
        meta["community_description"] = story.community.description
    meta["tags"] = [tag.name for tag in story.tags.all()]
    if story.hero_image:
        meta["hero_image"] = f"{story.slug}.{_extension(story.hero_image.name)}"
        meta["hero_image_caption"] = story.hero_image_caption
        meta["hero_image_credit"] = story.hero_image_credit
    return {key: value for key, value in meta.items() if value not in ("", None, [])}


def story_markdown(story: Story) -> str:
    front = yaml.safe_dump(
        story_front_matter(story), sort_keys=False, allow_unicode=True, width=1000
    )
    return f"---\n{front}---\n{story.body.strip(chr(10))}\n"


def _extension(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else "jpg"
    return ext if ext in IMAGE_EXTENSIONS else "jpg"


def _stories(authors: QuerySet[User] | None) -> QuerySet[Story]:
    stories = Story.objects.select_related("author", "community").prefetch_related(
        "tags",
        Prefetch(
            "comments",
            queryset=Comment.objects.filter(is_deleted=False, is_hidden=False)
            .select_related("author")
            .order_by("created_at", "id"),
            to_attr="exported_comments",
        ),
    )
    if authors is not None:
        stories = stories.filter(author__in=authors)
    return stories.order_by("author__username", "slug")


def _counts(model, key: str, story_ids: list[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {}
    rows = (
        model.objects.filter(story_id__in=story_ids)
        .values("story_id", key)
        .annotate(n=Count("id"))
        .order_by("story_id", key)
    )
    for row in rows:
        counts.setdefault(row["story_id"], {})[row[key]] = row["n"]
    return counts


def export_zip(out: BinaryIO, *, authors: QuerySet[User] | None = None) -> int:
    """Write the export of `authors` (everyone when None) to `out`; the number of stories."""
    stories = list(_stories(authors))
    ids = [story.pk for story in stories]
    ratings, insights = _counts(Rating, "value", ids), _counts(Insight, "kind", ids)
    record = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for story in stories:
            folder = f"stories/{story.author.username}"
            archive.writestr(f"{folder}/{story.slug}.md", story_markdown(story))
            if story.hero_image:
                with story.hero_image.open("rb") as image:
                    archive.writestr(
                        f"{folder}/{story.slug}.{_extension(story.hero_image.name)}",
                        image.read(),
                    )
            numbers = {c.pk: n for n, c in enumerate(story.exported_comments, start=1)}
            record.append(
                {
                    "file": f"{folder}/{story.slug}.md",
                    "title": story.title,
                    "comments": [
                        {
                            # Numbered within the story, so an export is the same on any site.
                            "id": numbers[comment.pk],
                            "parent": numbers.get(comment.parent_id),
                            "author_handle": comment.author.username,
                            "author": comment.author.name,
                            "body": comment.body,
                            "created_at": comment.created_at.isoformat(),
                            "edited_at": comment.edited_at.isoformat()
                            if comment.edited_at
                            else None,
                        }
                        for comment in story.exported_comments
                    ],
                    "ratings": ratings.get(story.pk, {}),
                    "insights": insights.get(story.pk, {}),
                }
            )
        manifest = {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "stories": record}
        archive.writestr(
            "engagement.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        )
    return len(stories)
