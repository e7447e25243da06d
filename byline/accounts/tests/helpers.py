from __future__ import annotations

from django.test import Client
from django.urls import reverse

PASSWORD = "correct horse battery staple"


def sign_in(client: Client, user, *, password: str = PASSWORD, **extra):
    """Sign in through the real form (so allauth records the sign-in for re-authentication)."""
    response = client.post(
        reverse("account_login"), {"login": user.username, "password": password}, **extra
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def reauthenticate(client: Client, *, password: str = PASSWORD):
    """Confirm the password again, as allauth asks before sensitive changes."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response
