"""Editor forms. Limits live on the model constants; every message says what to do."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from byline.communities.models import Community
from byline.core.images import ALLOWED_DESCRIPTION, CleanImage, clean_image
from byline.stories.models import (
    BODY_MAX_LENGTH,
    CAPTION_MAX_LENGTH,
    CREDIT_MAX_LENGTH,
    MAX_TAGS,
    SUBTITLE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Story,
)

TAG_MAX_LENGTH = 40


def _too_long(what: str, limit: int) -> str:
    return f"{what} can be at most {limit:,} characters (it has %(show_value)s)."


def split_tags(raw: str) -> list[str]:
    """Tag names from comma-separated text, trimmed, duplicates (by slug) dropped."""
    names: list[str] = []
    seen: set[str] = set()
    for part in raw.split(","):
        name = " ".join(part.split())
        slug = slugify(name)
        if name and slug and slug not in seen:
            seen.add(slug)
            names.append(name)
    return names


class StoryForm(forms.Form):
    title = forms.CharField(
        max_length=TITLE_MAX_LENGTH,
        error_messages={
            "required": "Give your story a title.",
            "max_length": _too_long("The title", TITLE_MAX_LENGTH),
        },
        widget=forms.TextInput(attrs={"placeholder": "Title", "autocomplete": "off"}),
    )
    subtitle = forms.CharField(
        max_length=SUBTITLE_MAX_LENGTH,
        required=False,
        error_messages={"max_length": _too_long("The subtitle", SUBTITLE_MAX_LENGTH)},
        widget=forms.TextInput(
            attrs={"placeholder": "A subtitle, one line (optional)", "autocomplete": "off"}
        ),
    )
    body = forms.CharField(
        max_length=BODY_MAX_LENGTH,
        required=False,
        strip=False,
        error_messages={"max_length": _too_long("The story", BODY_MAX_LENGTH)},
        widget=forms.Textarea(attrs={"rows": 22, "placeholder": "Tell your story…"}),
        help_text="Markdown: ## heading, **bold**, *italic*, [link](https://…), > quote, - list.",
    )
    community = forms.ModelChoiceField(
        queryset=Community.objects.order_by("name"),
        required=False,
        empty_label="No community",
        error_messages={"invalid_choice": "Pick one of the communities in the list."},
    )
    tags = forms.CharField(
        required=False,
        max_length=MAX_TAGS * (TAG_MAX_LENGTH + 2),
        help_text=f"Up to {MAX_TAGS}, separated by commas.",
        widget=forms.TextInput(attrs={"placeholder": "e.g. Nature, Travel", "autocomplete": "off"}),
        error_messages={"max_length": f"Use at most {MAX_TAGS} short tags."},
    )
    hero_image = forms.FileField(
        required=False,
        help_text=f"{ALLOWED_DESCRIPTION}. Shown wide at the top of the story.",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    remove_hero_image = forms.BooleanField(required=False, label="Remove the current image")
    # The version of the text this form was opened on (Story.version): a save from a window
    # opened before someone else's save is refused instead of overwriting it.
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    hero_image_caption = forms.CharField(
        max_length=CAPTION_MAX_LENGTH,
        required=False,
        label="Caption",
        error_messages={"max_length": _too_long("The caption", CAPTION_MAX_LENGTH)},
    )
    hero_image_credit = forms.CharField(
        max_length=CREDIT_MAX_LENGTH,
        required=False,
        label="Credit",
        error_messages={"max_length": _too_long("The credit", CREDIT_MAX_LENGTH)},
        widget=forms.TextInput(attrs={"placeholder": "e.g. Photo: Jane Doe / Unsplash"}),
    )

    def __init__(self, *args, story: Story | None = None, **kwargs) -> None:
        self.story = story
        if story is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": story.title,
                "subtitle": story.subtitle,
                "body": story.body,
                "community": story.community_id,
                "tags": ", ".join(tag.name for tag in story.tags.all()),
                "hero_image_caption": story.hero_image_caption,
                "hero_image_credit": story.hero_image_credit,
                "version": story.version,
            }
        super().__init__(*args, **kwargs)
        self.fields["hero_image"].widget = forms.FileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        )

    def clean_tags(self) -> list[str]:
        names = split_tags(self.cleaned_data["tags"])
        if len(names) > MAX_TAGS:
            raise ValidationError(
                f"A story can have at most {MAX_TAGS} tags; you entered {len(names)}."
            )
        for name in names:
            if len(name) > TAG_MAX_LENGTH:
                raise ValidationError(
                    f"Each tag can be at most {TAG_MAX_LENGTH} characters (“{name[:20]}…”)."
                )
        return names

    def clean_hero_image(self) -> CleanImage | None:
        upload = self.cleaned_data.get("hero_image")
        if not upload:
            return None
        try:
            return clean_image(upload)
        except ValidationError as error:
            raise ValidationError(
                f"{error.messages[0]} Your text is kept; please choose the image again."
            ) from None


class AutosaveForm(forms.Form):
    """The text fields the editor autosaves while the author types (no files)."""

    title = forms.CharField(max_length=TITLE_MAX_LENGTH, required=False)
    subtitle = forms.CharField(max_length=SUBTITLE_MAX_LENGTH, required=False)
    body = forms.CharField(max_length=BODY_MAX_LENGTH, required=False, strip=False)
    version = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, what in (
            ("title", "The title"),
            ("subtitle", "The subtitle"),
            ("body", "The story"),
        ):
            field = self.fields[name]
            field.error_messages["max_length"] = _too_long(what, field.max_length)


class PreviewForm(forms.Form):
    body = forms.CharField(max_length=BODY_MAX_LENGTH, required=False, strip=False)


class InlineImageForm(forms.Form):
    image = forms.FileField(
        error_messages={"required": "Choose an image to upload."},
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    alt = forms.CharField(
        max_length=200,
        required=False,
        label="Description (alt text)",
        help_text="What the image shows, for readers who cannot see it.",
    )


REJECTION_PRESETS = [
    ("guidelines", "It does not follow the community guidelines."),
    ("quality", "It needs more work on spelling, grammar or formatting."),
    ("spam", "It looks like advertising or spam."),
    ("copyright", "It appears to use text or images the author does not have rights to."),
    ("community", "It does not fit the chosen community."),
]


class RejectForm(forms.Form):
    preset = forms.ChoiceField(
        choices=[("", "Choose a reason…"), *REJECTION_PRESETS],
        required=False,
        label="Reason",
    )
    note = forms.CharField(
        max_length=1500,
        required=False,
        label="Message to the author",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What should change before the story can be published?",
        error_messages={"max_length": "Keep the message under 1,500 characters."},
    )

    def clean(self):
        data = super().clean()
        preset = dict(REJECTION_PRESETS).get(data.get("preset") or "", "")
        note = (data.get("note") or "").strip()
        if not preset and not note:
            raise ValidationError("Choose a reason or write a message to the author.")
        data["reason"] = " ".join(part for part in (preset, note) if part)
        return data


class ApproveForm(forms.Form):
    note = forms.CharField(
        max_length=1000,
        required=False,
        label="Note to the author (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class UnpublishForm(forms.Form):
    reason = forms.CharField(
        max_length=1500,
        label="Reason (the author sees it)",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Tell the author why the story is taken down.",
            "max_length": "Keep the reason under 1,500 characters.",
        },
    )
