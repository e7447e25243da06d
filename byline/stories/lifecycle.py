"""A story's way from draft to published and back: submitting, a moderator's decision
(approve, reject, unpublish), deleting, and publishing itself.

Every state change is a compare-and-set on the row (byline.core.transitions): of several
simultaneous requests one wins, the others get Conflict (409). A decision is announced with
stories.signals.story_decided (the moderation log and the author's notification are kept by the
apps above), and the author's e-mail goes out after commit through the outbox.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from byline.accounts.models import User
from byline.core.outbox import enqueue_on_commit
from byline.core.transitions import Conflict, transition
from byline.stories import policies
from byline.stories.models import (
    Story,
)
from byline.stories.services import revision_record
from byline.stories.signals import story_decided

# What each state change starts from. The database checks it (byline.core.transitions), not the
# copy of the story a view loaded: of several simultaneous requests, one wins, the others get
# Conflict (409).
SUBMITTABLE = (Story.Status.DRAFT, Story.Status.REJECTED)
UNPUBLISHED = (Story.Status.DRAFT, Story.Status.SUBMITTED, Story.Status.REJECTED)


@transaction.atomic
def story_submit(*, story: Story, by: User) -> Story:
    """Send a draft or rejected story to review; with BYLINE_REVIEW=off, publish it at once."""
    policies.require(policies.can_edit_story(by, story), by)
    if not story.title.strip() or not story.body.strip():
        raise ValidationError(
            "Give your story a title and write something before submitting it.", code="empty"
        )
    if not settings.REVIEW:
        story_publish(
            story=story,
            from_states=SUBMITTABLE,
            submitted_at=timezone.now(),
            conflict="This story is already published or in review (perhaps from another "
            "window). Reload the page to see where it is now.",
        )
    else:
        transition(
            story,
            expect={"status__in": SUBMITTABLE},
            changes={"status": Story.Status.SUBMITTED, "submitted_at": timezone.now()},
            conflict="This story is already in review or published (perhaps from another "
            "window). Reload the page to see where it is now.",
        )
    revision_record(story=story, by=by)
    return story


def _notify_decision(*, story: Story, moderator: User, action: str, reason: str) -> None:
    # The moderation log and the author's notification are kept by the apps above (their
    # receivers of story_decided); the e-mail goes out once the decision has committed.
    story_decided.send(sender=Story, story=story, moderator=moderator, action=action, reason=reason)
    enqueue_on_commit(
        "byline.stories.tasks.send_moderation_email",
        story_id=story.pk,
        action=action,
        reason=reason,
    )


DECIDED = (
    "This story is not waiting for review (any more): another moderator may have decided on "
    "it already."
)


@transaction.atomic
def story_approve(*, story: Story, by: User, note: str = "") -> Story:
    """A moderator publishes a submitted story. Logged; the author is notified."""
    policies.require(
        policies.can_decide_on_story(by, story),
        by,
        "Only moderators can approve stories, and never their own.",
    )
    story_publish(story=story, from_states=(Story.Status.SUBMITTED,), conflict=DECIDED)
    _notify_decision(story=story, moderator=by, action="approve", reason=note.strip())
    return story


@transaction.atomic
def story_reject(*, story: Story, by: User, reason: str) -> Story:
    """A moderator sends a submitted story back with a reason the author sees. Logged, notified."""
    policies.require(
        policies.can_decide_on_story(by, story),
        by,
        "Only moderators can reject stories, and never their own.",
    )
    reason = reason.strip()
    if not reason:
        raise ValidationError("Tell the author why the story is not approved.", code="reason")
    if len(reason) > 2000:
        raise ValidationError("Keep the reason under 2,000 characters.", code="reason")
    transition(
        story,
        expect={"status": Story.Status.SUBMITTED},
        changes={"status": Story.Status.REJECTED, "rejection_reason": reason},
        conflict=DECIDED,
    )
    _notify_decision(story=story, moderator=by, action="reject", reason=reason)
    return story


@transaction.atomic
def story_unpublish(*, story: Story, by: User, reason: str = "") -> Story:
    """Take a published story off the site (back to draft). The address keeps its slug."""
    policies.require(
        policies.can_edit_story(by, story) or policies.can_decide_on_story(by, story),
        by,
        "Only its author and moderators can unpublish a story.",
    )
    transition(
        story,
        expect={"status": Story.Status.PUBLISHED},
        changes={"status": Story.Status.DRAFT},
        conflict="This story is not published any more: someone took it down already.",
    )
    if story.author_id != by.pk:
        _notify_decision(
            story=story,
            moderator=by,
            action="unpublish",
            reason=reason.strip() or "No reason given.",
        )
    return story


@transaction.atomic
def story_delete(*, story: Story, by: User) -> None:
    """Delete a story for good, with its revisions (the author's choice, confirmed in the UI)."""
    policies.require(policies.can_delete_story(by, story), by)
    hero = story.hero_image.name if story.hero_image else ""
    storage = story.hero_image.storage
    _, deleted = story.delete()
    if not deleted.get(Story._meta.label):
        raise Conflict("This story was already deleted (perhaps from another window).")
    if hero:
        transaction.on_commit(lambda: storage.delete(hero))


def story_publish(
    *,
    story: Story,
    at: dt.datetime | None = None,
    from_states: Iterable[str] = UNPUBLISHED,
    conflict: str = "This story is already published.",
    **changes: Any,
) -> Story:
    """Make a story public if it is in one of `from_states` (else Conflict). No policy check:
    callers are story_approve, story_submit with review off, and trusted imports."""
    transition(
        story,
        expect={"status__in": list(from_states)},
        changes={
            "status": Story.Status.PUBLISHED,
            "published_at": story.published_at or at or timezone.now(),
            "rejection_reason": "",
            **changes,
        },
        conflict=conflict,
    )
    return story
