"""The editor and the author's own pages: writing, autosave, inline images, submitting,
unpublishing and deleting, my stories, and revisions."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from byline.core.images import files_removed_on_failure
from byline.core.pagination import keyset_page
from byline.core.rendering import render_markdown
from byline.core.transitions import Conflict
from byline.stories.forms import AutosaveForm, InlineImageForm, PreviewForm, StoryForm, split_tags
from byline.stories.images import story_image_upload
from byline.stories.lifecycle import story_delete, story_submit, story_unpublish
from byline.stories.models import Story
from byline.stories.policies import SUSPENDED_MESSAGE, can_write, is_moderator
from byline.stories.selectors import (
    MY_STORIES_TABS,
    my_stories_counts,
    my_stories_page,
    popular_tags,
    revision_changes,
    story_get_for_author,
    story_get_for_editor,
    tag_suggestions,
)
from byline.stories.services import (
    UNCHANGED,
    StoryEditConflict,
    story_create,
    story_revision_restore,
    story_update,
    tags_from_names,
)


def _require_writer(user) -> None:
    if not can_write(user):
        raise PermissionDenied(SUSPENDED_MESSAGE)


def _saved_label(story: Story) -> str:
    return f"Saved at {timezone.localtime(story.updated_at):%H:%M}"


def _apply_form(form: StoryForm, *, request: HttpRequest, story: Story | None) -> Story:
    """Create or update the story from a valid editor form (raises ValidationError, and
    StoryEditConflict when the story was saved elsewhere since the form was opened)."""
    data = form.cleaned_data
    hero = data["hero_image"]
    if hero is None:
        hero = None if data["remove_hero_image"] and story and story.hero_image else UNCHANGED
    fields = {
        "title": data["title"],
        "subtitle": data["subtitle"],
        "body": data["body"],
        "community": data["community"],
        "tags": tags_from_names(data["tags"]),
        "hero_image_caption": data["hero_image_caption"],
        "hero_image_credit": data["hero_image_credit"],
    }
    if story is None:
        return story_create(
            author=request.user, hero_image=None if hero is UNCHANGED else hero, **fields
        )
    return story_update(
        story=story,
        by=request.user,
        hero_image=hero,
        expected_version=data["version"],
        **fields,
    )


def _conflict_context(request: HttpRequest, error: StoryEditConflict) -> dict:
    """The editor again, with the author's text in the form (nothing typed is lost) and the newer
    saved version beside it. The form now carries the saved version: pressing "Save mine over
    it" is the explicit second submit that overwrites."""
    data = request.POST.copy()
    data["version"] = str(error.current.version)
    mine = (data.get("title", ""), data.get("subtitle", ""), data.get("body", ""))
    theirs = error.current
    return {
        "form": StoryForm(data, story=theirs),
        "story": theirs,
        "conflict": {
            "message": error.message,
            "saved": theirs,
            "saved_body_html": theirs.body_html,
            # What saving mine over it would change in the saved text.
            "changes": revision_changes(old=theirs.body, new=mine[2]),
            "title_differs": mine[0].strip() != theirs.title,
            "subtitle_differs": mine[1].strip() != theirs.subtitle,
            "lost_image": bool(request.FILES.get("hero_image")),
        },
    }


def _editor(request: HttpRequest, story: Story | None) -> HttpResponse:
    """GET shows the editor; POST previews, saves, or saves and submits (action=...)."""
    action = request.POST.get("action", "save")
    preview_html = None
    extra: dict = {}
    status = 200
    if request.method == "POST":
        if action == "preview":
            # Live preview (htmx) or the no-JavaScript "Preview" button: nothing is saved.
            preview = PreviewForm(request.POST)
            body = preview.cleaned_data["body"] if preview.is_valid() else ""
            preview_html = render_markdown(body)
            if request.htmx:
                return render(
                    request, "stories/story_editor.html#preview", {"preview_html": preview_html}
                )
            form = StoryForm(request.POST, story=story)
        else:
            form = StoryForm(request.POST, request.FILES, story=story)
            if form.is_valid():
                try:
                    with files_removed_on_failure(), transaction.atomic():
                        if action == "copy":
                            # After a conflict: keep the saved version, mine becomes a new draft.
                            saved = _apply_form(form, request=request, story=None)
                        else:
                            saved = _apply_form(form, request=request, story=story)
                        if action == "submit":
                            saved = story_submit(story=saved, by=request.user)
                except StoryEditConflict as error:
                    extra = _conflict_context(request, error)
                    form, story, status = extra.pop("form"), extra.pop("story"), 409
                    preview_html = render_markdown(form.data.get("body", ""))  # theirs
                except Conflict as error:
                    # e.g. "Submit" pressed in a second tab after the story went to review.
                    form.add_error(None, error.message)
                    status = 409
                except ValidationError as error:
                    form.add_error(None, error)
                except PermissionDenied as error:
                    form.add_error(None, str(error) or "You cannot do that now.")
                else:
                    if action == "submit":
                        return _after_submit(request, saved)
                    if action == "copy":
                        messages.success(
                            request, f"Saved your version as a new draft. {_saved_label(saved)}."
                        )
                        return redirect("stories:edit", pk=saved.pk)
                    verb = "Story updated" if saved.is_published else "Draft saved"
                    messages.success(request, f"{verb}. {_saved_label(saved)}.")
                    return redirect("stories:edit", pk=saved.pk)
    else:
        form = StoryForm(story=story)
    context = {
        "form": form,
        "story": story,
        "preview_html": preview_html,
        "popular_tags": popular_tags(),
        "autosave_interval": settings.AUTOSAVE_INTERVAL_MS,
        "image_form": InlineImageForm(),
        **extra,
    }
    if status == 200 and request.method == "POST" and form.errors:
        status = 422
    return render(request, "stories/story_editor.html", context, status=status)


def _after_submit(request: HttpRequest, story: Story) -> HttpResponse:
    if story.is_published:
        messages.success(request, "Your story is published.")
        return redirect(story)
    messages.success(
        request, "Submitted for review. A moderator will look at it soon; we will let you know."
    )
    return redirect(f"{reverse('stories:mine')}?tab={Story.Status.SUBMITTED}")


@login_required
def story_write(request: HttpRequest) -> HttpResponse:
    _require_writer(request.user)
    return _editor(request, None)


@login_required
def story_edit(request: HttpRequest, pk: int) -> HttpResponse:
    story = story_get_for_editor(user=request.user, pk=pk)
    return _editor(request, story)


@login_required
@require_POST
def story_autosave(request: HttpRequest, pk: int | None = None) -> JsonResponse:
    """The editor's periodic save of title, subtitle and body (JSON in, JSON out).

    Without a story yet, the first autosave with some text creates the draft and answers with
    its editor address, so the page can continue on it.
    """
    story = story_get_for_editor(user=request.user, pk=pk) if pk else None
    _require_writer(request.user)
    form = AutosaveForm(request.POST)
    if not form.is_valid():
        errors = [message for messages_ in form.errors.values() for message in messages_]
        return JsonResponse({"saved": False, "errors": errors}, status=422)
    data = form.cleaned_data
    if story is None and not (data["title"].strip() or data["body"].strip()):
        return JsonResponse({"saved": False, "errors": []}, status=200)
    title = data["title"].strip() or (story.title if story else "") or "Untitled story"
    try:
        if story is None:
            story = story_create(
                author=request.user,
                title=title,
                subtitle=data["subtitle"],
                body=data["body"],
                autosave=True,
            )
        else:
            story = story_update(
                story=story,
                by=request.user,
                title=title,
                subtitle=data["subtitle"],
                body=data["body"],
                autosave=True,
                expected_version=data["version"],
            )
    except StoryEditConflict:
        # Saved meanwhile from another window or device: never overwrite that blindly.
        return JsonResponse(
            {
                "saved": False,
                "conflict": True,
                "errors": [
                    "this story was changed in another window. Reload the page to see the "
                    "latest version; your text is kept in this browser"
                ],
            },
            status=409,
        )
    except ValidationError as error:
        return JsonResponse({"saved": False, "errors": error.messages}, status=422)
    return JsonResponse(
        {
            "saved": True,
            "label": _saved_label(story),
            "saved_at": story.updated_at.isoformat(),
            "version": story.version,
            "edit_url": reverse("stories:edit", kwargs={"pk": story.pk}),
            "autosave_url": reverse("stories:autosave", kwargs={"pk": story.pk}),
        }
    )


@login_required
@require_GET
def tag_suggest(request: HttpRequest) -> HttpResponse:
    """htmx: existing tags that start like the last one being typed."""
    names = split_tags(request.GET.get("tags", "")[:400])
    typed = request.GET.get("tags", "").rsplit(",", 1)[-1].strip()
    tags = tag_suggestions(prefix=typed, viewer=request.user, exclude=names[:-1]) if typed else []
    return render(request, "stories/story_editor.html#tag-suggestions", {"suggestions": tags})


@login_required
def inline_image_upload(request: HttpRequest) -> HttpResponse:
    """Upload an image for the story body. JSON for the editor's script; a page without it."""
    _require_writer(request.user)
    wants_json = "application/json" in request.headers.get("Accept", "")
    form = InlineImageForm(request.POST or None, request.FILES or None)
    uploaded = None
    # 507 Insufficient Storage when the disk is full: the file was fine, try again later.
    status = 422
    if request.method == "POST" and form.is_valid():
        try:
            uploaded = story_image_upload(author=request.user, image=form.cleaned_data["image"])
        except ValidationError as error:
            form.add_error("image", error)
            if any(item.code == "storage_full" for item in error.error_list):
                status = 507
    if wants_json and request.method == "POST":
        if uploaded is None:
            errors = [message for messages_ in form.errors.values() for message in messages_]
            return JsonResponse({"errors": errors}, status=status)
        return JsonResponse({"url": uploaded.image.url, "width": uploaded.width})
    markdown = ""
    if uploaded is not None:
        alt = form.cleaned_data["alt"].replace("]", "").replace("[", "") or "Image"
        markdown = f"![{alt}]({uploaded.image.url})"
    status = status if form.errors else 200
    return render(
        request,
        "stories/story_image_upload.html",
        {"form": form, "markdown": markdown},
        status=status,
    )


@login_required
@require_POST
def story_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    story = story_get_for_editor(user=request.user, pk=pk)
    try:
        story = story_submit(story=story, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("stories:edit", pk=story.pk)
    return _after_submit(request, story)


@login_required
def story_unpublish_view(request: HttpRequest, pk: int) -> HttpResponse:
    story = story_get_for_editor(user=request.user, pk=pk)
    if not story.is_published:
        raise Conflict("This story is not published (any more): there is nothing to take down.")
    if request.method == "POST":
        story_unpublish(story=story, by=request.user)
        messages.success(request, f"“{story.title}” is unpublished and back among your drafts.")
        return redirect(f"{reverse('stories:mine')}?tab={Story.Status.DRAFT}")
    return render(request, "stories/story_confirm.html", {"story": story, "kind": "unpublish"})


@login_required
def story_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    story = story_get_for_editor(user=request.user, pk=pk)
    if request.method == "POST":
        title = story.title
        story_delete(story=story, by=request.user)
        messages.success(request, f"“{title}” was deleted.")
        return redirect("stories:mine")
    return render(request, "stories/story_confirm.html", {"story": story, "kind": "delete"})


@login_required
@require_GET
def my_stories(request: HttpRequest) -> HttpResponse:
    tabs = dict(MY_STORIES_TABS)
    tab = request.GET.get("tab", Story.Status.DRAFT)
    if tab not in tabs:
        tab = Story.Status.DRAFT
    counts = my_stories_counts(author=request.user)
    page = my_stories_page(
        author=request.user, status=tab, cursor=request.GET.get("after"), size=settings.PAGE_SIZE
    )
    context = {
        "tabs": [(status, label, counts[status]) for status, label in MY_STORIES_TABS],
        "tab": tab,
        "tab_label": tabs[tab],
        "page": page,
        "can_write": can_write(request.user),
        "is_moderator": is_moderator(request.user),
    }
    if context["is_moderator"]:
        context["review_count"] = Story.objects.filter(status=Story.Status.SUBMITTED).count()
    return render(request, "stories/story_mine.html", context)


@login_required
@require_GET
def story_revisions(request: HttpRequest, pk: int) -> HttpResponse:
    story = story_get_for_author(user=request.user, pk=pk)
    page = keyset_page(
        story.revisions.select_related("created_by"),
        cursor=request.GET.get("after"),
        size=25,
        field="created_at",
    )
    return render(request, "stories/storyrevision_list.html", {"story": story, "page": page})


@login_required
@require_GET
def story_revision(request: HttpRequest, pk: int, revision_pk: int) -> HttpResponse:
    story = story_get_for_author(user=request.user, pk=pk)
    revision = get_object_or_404(story.revisions, pk=revision_pk)
    context = {
        "story": story,
        "revision": revision,
        "body_html": render_markdown(revision.body),
        "is_current": (revision.title, revision.subtitle, revision.body)
        == (story.title, story.subtitle, story.body),
        # What restoring this version would change in the current text.
        "changes": revision_changes(old=story.body, new=revision.body),
    }
    return render(request, "stories/storyrevision_detail.html", context)


@login_required
@require_POST
def story_revision_restore_view(request: HttpRequest, pk: int, revision_pk: int) -> HttpResponse:
    story = story_get_for_editor(user=request.user, pk=pk)
    revision = get_object_or_404(story.revisions, pk=revision_pk)
    try:
        story_revision_restore(revision=revision, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(revision)
    messages.success(
        request,
        f"Restored the version from {timezone.localtime(revision.created_at):%d %b %Y, %H:%M}.",
    )
    return redirect("stories:edit", pk=story.pk)
