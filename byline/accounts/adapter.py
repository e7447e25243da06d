"""allauth glue: Byline's handle rules, safe redirects, e-mail links from BYLINE_SITE_URL, mail
sent from a task, a failed-sign-in limit per account, and security events."""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import quote, urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from byline.accounts.names import clean_display_name, clean_handle
from byline.accounts.policies import handle_problem
from byline.accounts.selectors import user_for_login
from byline.accounts.tasks import account_email_send
from byline.core.links import site_url
from byline.core.logs import security_event
from byline.core.outbox import enqueue_on_commit


class AccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username: str, shallow: bool = False) -> str:
        username = clean_handle(username)
        problem = handle_problem(username, check_taken=not shallow)
        if problem:
            raise ValidationError(problem, code="invalid_handle")
        return username

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.display_name = clean_display_name(form.cleaned_data.get("display_name", ""))
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
        """Render now, send from a task once the request's work is committed: the answer is the
        same whether or not (and however slowly) the mail server takes the message."""
        context = {
            "request": allauth_context.request,
            "email": email,
            **context,
            # allauth would name the site after the request's Host header; we know our name.
            "current_site": SimpleNamespace(
                name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc
            ),
        }
        message = self.render_mail(template_prefix, email, context)
        payload = {
            "subject": str(message.subject),
            "body": str(message.body),
            "from_email": str(message.from_email),
            "to": [str(address) for address in message.to],
            "html": next(
                (
                    str(content)
                    for content, kind in getattr(message, "alternatives", [])
                    if kind == "text/html"
                ),
                "",
            ),
            "headers": {str(k): str(v) for k, v in message.extra_headers.items()},
        }
        enqueue_on_commit(account_email_send, **payload)

    # --- Failed sign-ins: counted per account, whatever identifier was typed.
    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """The key of allauth's per-key `login_failed` limit. allauth keys it by the identifier
        as typed, so alternating handle and e-mail doubled the guesses; here every identifier of
        one account (handle or any of its addresses, any case, any width) is the account's id.
        An identifier that names nobody is keyed by its normalised form, so it is limited the
        same way and the refusal tells nothing about whether the account exists."""
        typed = str(credentials.get("email") or credentials.get("username") or "")
        user = user_for_login(login=typed)
        if user is not None:
            return f"account:{user.pk}"
        return f"login:{clean_handle(typed)}"

    def pre_authenticate(self, request, **credentials) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            typed = credentials.get("email") or credentials.get("username") or ""
            security_event(
                "sign_in_throttled",
                outcome="refused",
                request=request,
                user=user_for_login(login=str(typed)),
                identifier=typed,
            )
            raise

    def authentication_failed(self, request, **credentials) -> None:
        typed = credentials.get("email") or credentials.get("username") or ""
        security_event(
            "sign_in_failed",
            outcome="wrong_credentials",
            request=request,
            user=user_for_login(login=str(typed)),
            identifier=typed,
        )
