"""Account e-mail (reset links, verification, notices): sent from a task after the answer, only to
verified addresses, and a mail server's refusal never reaches the visitor."""

import logging
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from byline.accounts.tests.helpers import PASSWORD, reauthenticate, sign_in

pytestmark = pytest.mark.django_db

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def ask_for_reset(client, email, capture):
    with capture(execute=True):
        return client.post(reverse("account_reset_password"), {"email": email}, follow=True)


def comparable(response) -> tuple:
    """Everything a visitor (or an attacker) can see of an answer, less the CSRF token."""
    headers = {k: v for k, v in response.headers.items() if k.lower() not in {"date"}}
    body = CSRF_INPUT.sub("", response.content.decode())
    chain = [(url, status) for url, status in response.redirect_chain]
    return response.status_code, chain, headers, body


@pytest.mark.parametrize("email", ["alice@example.org", "nobody@example.org"])
def test_a_refusing_mail_server_never_turns_the_reset_form_into_a_500(
    client, alice, smtp_refusing, django_capture_on_commit_callbacks, caplog, email
):
    client.raise_request_exception = False
    with caplog.at_level(logging.WARNING, logger="byline.mail"):
        response = ask_for_reset(client, email, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("account_reset_password_done"), 302)]
    failures = [r for r in caplog.records if r.name == "byline.mail"]
    assert failures, "a refused message is logged"
    assert "550" in failures[0].getMessage()
    assert "/accounts/password/reset/key/" not in caplog.text  # the link is a secret


def test_registered_and_unregistered_addresses_get_the_same_answer(
    client, alice, smtp_accepting, django_capture_on_commit_callbacks
):
    known = comparable(
        ask_for_reset(client, "alice@example.org", django_capture_on_commit_callbacks)
    )
    unknown = comparable(
        ask_for_reset(client, "nobody@example.org", django_capture_on_commit_callbacks)
    )
    assert known == unknown
    # Both did the same work: one message each, through the real server.
    assert len(smtp_accepting.messages) == 2
    assert "/accounts/password/reset/key/" in smtp_accepting.messages[0]
    assert "/accounts/password/reset/key/" not in smtp_accepting.messages[1]


def test_the_answer_is_the_same_when_the_mail_server_refuses_one_of_them(
    client, alice, smtp_refusing, django_capture_on_commit_callbacks
):
    client.raise_request_exception = False
    known = comparable(
        ask_for_reset(client, "alice@example.org", django_capture_on_commit_callbacks)
    )
    unknown = comparable(
        ask_for_reset(client, "nobody@example.org", django_capture_on_commit_callbacks)
    )
    assert known == unknown
    assert known[0] == 200


def test_reset_mail_is_sent_after_the_answer_not_during_the_request(
    client, alice, smtp_accepting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("account_reset_password"), {"email": "alice@example.org"})
        assert response.status_code == 302
        assert smtp_accepting.messages == []  # the request itself talked to no mail server
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=True):
        callbacks[0]()
    assert len(smtp_accepting.messages) == 1
    assert "To: alice@example.org" in smtp_accepting.messages[0]


def test_a_reset_link_never_goes_to_an_address_that_was_only_added(
    client, bob, django_capture_on_commit_callbacks
):
    EmailAddress.objects.create(user=bob, email="bob.new@example.org", verified=False)
    response = ask_for_reset(client, "bob.new@example.org", django_capture_on_commit_callbacks)
    assert response.redirect_chain == [(reverse("account_reset_password_done"), 302)]
    assert all("/accounts/password/reset/key/" not in m.body for m in mail.outbox)
    # The verified address still gets its link.
    ask_for_reset(client, "bob@example.org", django_capture_on_commit_callbacks)
    assert "/accounts/password/reset/key/" in mail.outbox[-1].body
    assert mail.outbox[-1].to == ["bob@example.org"]


def test_a_reset_link_never_goes_to_an_account_whose_only_address_is_unverified(
    client, bob, django_capture_on_commit_callbacks
):
    EmailAddress.objects.filter(user=bob).update(verified=False)
    ask_for_reset(client, "bob@example.org", django_capture_on_commit_callbacks)
    assert all("/accounts/password/reset/key/" not in m.body for m in mail.outbox)


def test_the_old_address_is_told_when_the_primary_address_changes(
    client, alice, django_capture_on_commit_callbacks
):
    sign_in(client, alice)
    reauthenticate(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"action_add": "", "email": "alice.new@example.org"})
    path = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path)
    alice.refresh_from_db()
    assert alice.email == "alice.new@example.org"
    notice = mail.outbox[-1]
    assert notice.to == ["alice@example.org"]
    assert "alice.new@example.org" in notice.body
    assert PASSWORD not in notice.body


def test_the_request_does_the_same_work_for_a_registered_and_an_unregistered_address(
    client, alice, django_capture_on_commit_callbacks
):
    """Timing cannot be asserted; the work can: the same queries, and one deferred task each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    work = {}
    for email in ("alice@example.org", "nobody@example.org"):
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks() as callbacks,
        ):
            client.post(reverse("account_reset_password"), {"email": email})
        work[email] = (len(queries), len(callbacks))
    assert work["alice@example.org"] == work["nobody@example.org"]
    assert work["alice@example.org"][1] == 1
