from __future__ import annotations

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.models import EmailAddress
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from byline.accounts.models import BIO_MAX_LENGTH, HANDLE_MAX_LENGTH, User
from byline.accounts.names import clean_display_name, clean_handle
from byline.accounts.policies import handle_problem
from byline.accounts.tasks import password_reset_mail_send
from byline.core.images import ALLOWED_DESCRIPTION, CleanImage, clean_image
from byline.core.logs import security_event
from byline.core.outbox import enqueue_on_commit

DISPLAY_NAME_MAX_LENGTH = User._meta.get_field("display_name").max_length
WEBSITE_MAX_LENGTH = User._meta.get_field("website").max_length

HANDLE_HELP = "Your address: /@handle. 2 to 30 lowercase letters, digits or underscores."


class LoginForm(AllauthLoginForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Handle or e-mail"
        self.fields["login"].widget.attrs.update({"autocapitalize": "none", "spellcheck": "false"})
        self.fields["remember"].label = "Keep me signed in on this device"
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)


class SignupForm(AllauthSignupForm):
    display_name = forms.CharField(
        label="Display name",
        max_length=DISPLAY_NAME_MAX_LENGTH,
        help_text="The name readers see. You can change it later.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["display_name", "username", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.label = "Handle"
        username.help_text = HANDLE_HELP
        username.max_length = HANDLE_MAX_LENGTH
        username.widget.attrs.update({"autocapitalize": "none", "spellcheck": "false"})
        self.fields["email"].label = "E-mail"
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)

    def clean_display_name(self) -> str:
        name = clean_display_name(self.cleaned_data["display_name"])
        if not name:
            raise ValidationError("Please tell readers what to call you.")
        return name


class ResetPasswordForm(AllauthResetPasswordForm):
    """allauth's reset form, but a reset link goes only to an address its account has verified:
    an address that was only added (or never confirmed) proves nothing about who reads it.
    Anyone else gets allauth's "no account here" message, so both answers cost the same."""

    def clean_email(self) -> str:
        email = super().clean_email()
        found = self.users
        self.users = [
            user
            for user in found
            if EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
        ]
        self.outcome = "sent" if self.users else ("unverified" if found else "unknown")
        return email

    def save(self, request, **kwargs) -> str:
        """Hand the whole mail to a task: a reset link (the token is made there) or the "no
        account" message. The request does the same work for either: the look-up above and one
        enqueue, so neither the answer nor its timing says whether the address is registered."""
        from allauth.account import app_settings

        if app_settings.PASSWORD_RESET_BY_CODE_ENABLED:
            return super().save(request, **kwargs)
        email = self.cleaned_data["email"]
        user_ids = [user.pk for user in self.users]
        enqueue_on_commit(password_reset_mail_send, email=email, user_ids=user_ids)
        security_event(
            "password_reset_requested",
            outcome=self.outcome,
            request=request,
            user=self.users[0] if self.users else None,
            identifier=email,
        )
        return email


class ProfileForm(forms.Form):
    """Everything on /settings/profile/. Validates only; `user_update_profile` writes."""

    display_name = forms.CharField(
        label="Display name", max_length=DISPLAY_NAME_MAX_LENGTH, required=False
    )
    handle = forms.CharField(label="Handle", max_length=HANDLE_MAX_LENGTH, help_text=HANDLE_HELP)
    bio = forms.CharField(
        label="Bio",
        max_length=BIO_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=f"Plain text, up to {BIO_MAX_LENGTH} characters. Line breaks are kept.",
    )
    website = forms.CharField(
        label="Website",
        max_length=WEBSITE_MAX_LENGTH,
        required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text="A link starting with https:// or http://.",
    )
    avatar = forms.FileField(
        label="Avatar",
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
        help_text=f"{ALLOWED_DESCRIPTION}; it is shown square.",
    )
    remove_avatar = forms.BooleanField(label="Remove my avatar", required=False)

    def __init__(self, *args, user: User, **kwargs) -> None:
        self.user = user
        kwargs.setdefault(
            "initial",
            {
                "display_name": user.display_name,
                "handle": user.username,
                "bio": user.bio,
                "website": user.website,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["avatar"].widget = forms.FileInput(attrs=self.fields["avatar"].widget.attrs)

    def clean_display_name(self) -> str:
        return clean_display_name(self.cleaned_data["display_name"])

    def clean_handle(self) -> str:
        handle = clean_handle(self.cleaned_data["handle"])
        problem = handle_problem(handle, user=self.user)
        if problem:
            raise ValidationError(problem)
        return handle

    def clean_bio(self) -> str:
        # Plain text: normalise line endings, drop trailing space; escaping happens on output.
        return "\n".join(line.rstrip() for line in self.cleaned_data["bio"].splitlines()).strip()

    def clean_website(self) -> str:
        website = self.cleaned_data["website"].strip()
        if website:
            URLValidator(
                schemes=["http", "https"],
                message="Enter a full web address starting with https:// or http://.",
            )(website)
        return website

    def clean_avatar(self) -> CleanImage | None:
        upload = self.cleaned_data.get("avatar")
        if not upload:
            return None
        return clean_image(upload)


class DeleteAccountForm(forms.Form):
    KEEP = "keep"
    REMOVE = "remove"

    stories = forms.ChoiceField(
        label="What should happen to your published stories and comments?",
        choices=[
            (
                KEEP,
                'Keep them, under "Deleted account": readers can still find them, '
                "but nothing links them to you.",
            ),
            (REMOVE, "Remove them, together with everything else."),
        ],
        widget=forms.RadioSelect,
    )
    confirm_handle = forms.CharField(
        label="Type your handle to confirm",
        max_length=HANDLE_MAX_LENGTH + 1,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_confirm_handle(self) -> str:
        typed = self.cleaned_data["confirm_handle"].strip().lstrip("@").lower()
        if typed != self.user.username:
            raise ValidationError(f"That is not your handle. Type {self.user.username} to confirm.")
        return typed
