"""allauth glue: Byline's handle rules, safe redirects and e-mail links from BYLINE_SITE_URL."""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import quote, urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from byline.accounts.policies import handle_problem


def site_url(path: str) -> str:
    """An absolute link on this site, built from BYLINE_SITE_URL, never the Host header."""
    return f"{settings.SITE_URL}{path}"


class AccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username: str, shallow: bool = False) -> str:
        username = username.strip().lower()
        problem = handle_problem(username, check_taken=not shallow)
        if problem:
            raise ValidationError(problem, code="invalid_handle")
        return username

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.display_name = form.cleaned_data.get("display_name", "").strip()
        if commit:
            user.save()
        return user

    def is_safe_url(self, url: str | None) -> bool:
        """Only paths on this site: `next=` can never send anyone elsewhere."""
        if not url:
            return False
        return url_has_allowed_host_and_scheme(
            url, allowed_hosts={urlsplit(settings.SITE_URL).netloc}, require_https=False
        ) and not url.startswith(("//", "/\\"))

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return site_url(path.replace("UID-KEY", quote(key)))

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return site_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # allauth would name the site after the request's Host header; we know our name.
        context = {
            **context,
            "current_site": SimpleNamespace(
                name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc
            ),
        }
        super().send_mail(template_prefix, email, context)
