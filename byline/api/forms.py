from __future__ import annotations

from django import forms
from django.conf import settings

from byline.api.models import TOKEN_NAME_MAX_LENGTH, ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=TOKEN_NAME_MAX_LENGTH,
        help_text="What will use it, e.g. “my publishing script”.",
        error_messages={"required": "Give the token a name, e.g. the tool that will use it."},
    )
    scope = forms.ChoiceField(
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
        help_text="Read-only tokens can fetch your drafts and notifications but change nothing.",
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Zip or Markdown file",
        help_text="A zip from the export page, or one .md file with front matter.",
        error_messages={"required": "Choose a file to import."},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size // 1024:,} KB; the limit is {limit // 1024:,} KB."
            )
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        return upload
