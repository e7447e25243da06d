"""The failed-sign-in limit counts per account, whatever identifier was typed and from wherever."""

import pytest
from django.test import Client
from django.urls import reverse

from byline.accounts.tests.helpers import PASSWORD

pytestmark = pytest.mark.django_db

TOO_MANY = "Too many failed login attempts"
# The same account, named five ways, from five addresses.
ATTEMPTS = [
    ("alice", "192.0.2.1"),
    ("alice@example.org", "192.0.2.2"),
    ("ALICE", "192.0.2.3"),
    ("Alice@Example.ORG", "198.51.100.4"),
    ("ａｌｉｃｅ", "198.51.100.5"),
]


def attempt(login, address, password="wrong"):
    return Client(REMOTE_ADDR=address).post(
        reverse("account_login"), {"login": login, "password": password}
    )


def test_alternating_handle_and_address_from_many_addresses_counts_against_one_account(alice):
    for login, address in ATTEMPTS:
        assert TOO_MANY not in attempt(login, address).content.decode()
    # A sixth guess, by yet another name and address, is refused: even the right password.
    response = attempt("alice@example.org", "203.0.113.9", password=PASSWORD)
    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()


def test_another_account_is_not_affected(alice, bob):
    for login, address in ATTEMPTS:
        attempt(login, address)
    response = attempt("bob", "203.0.113.10", password=PASSWORD)
    assert response.status_code == 302


def test_an_unknown_identifier_is_limited_the_same_way(db):
    """No oracle: a name that belongs to nobody is refused after as many failures."""
    for n, login in enumerate(["nobody", "NOBODY", "nobody", "Nobody", "nobody"]):
        assert TOO_MANY not in attempt(login, f"192.0.2.{20 + n}").content.decode()
    assert TOO_MANY in attempt("nobody", "203.0.113.11").content.decode()


def test_a_successful_sign_in_does_not_wipe_earlier_failures(alice):
    for login, address in ATTEMPTS[:4]:
        attempt(login, address)
    assert attempt("alice", "192.0.2.50", password=PASSWORD).status_code == 302
    attempt("alice", "192.0.2.51")
    assert TOO_MANY in attempt("alice", "192.0.2.52", password=PASSWORD).content.decode()
