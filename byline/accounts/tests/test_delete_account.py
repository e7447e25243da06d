import pytest
from django.test import Client
from django.urls import reverse

from byline.accounts.models import User
from byline.accounts.tests.helpers import PASSWORD, reauthenticate, sign_in
from byline.comments.models import Comment
from byline.comments.services import comment_create
from byline.conftest import image_file, make_story
from byline.stories.models import Story

pytestmark = pytest.mark.django_db

URL = "/settings/delete/"


def delete(client, *, handle: str, stories: str):
    """Post the confirmation form, confirming the password when allauth asks for it."""
    response = client.post(URL, {"confirm_handle": handle, "stories": stories})
    if response.status_code == 302 and reverse("account_reauthenticate") in response.url:
        response = client.post(response.url, {"password": PASSWORD})
    return response


@pytest.fixture
def alices_work(alice, bob, community):
    published = make_story(alice, title="Kept Story", community=community)
    draft = make_story(alice, title="Draft Story", status="draft")
    on_bobs = make_story(bob, title="Bob Writes")
    lone = comment_create(story=on_bobs, author=alice, body="Nice one.")
    answered = comment_create(story=on_bobs, author=alice, body="A question?")
    reply = comment_create(story=on_bobs, author=bob, body="An answer.", parent=answered)
    return {
        "published": published,
        "draft": draft,
        "on_bobs": on_bobs,
        "lone": lone,
        "answered": answered,
        "reply": reply,
    }


def test_the_page_asks_to_type_the_handle_and_to_choose(client, alice):
    sign_in(client, alice)
    response = client.get(URL)
    assert reverse("account_reauthenticate") in response.url  # the password first
    reauthenticate(client)
    html = client.get(URL).content.decode()
    assert "Type your handle to confirm" in html
    assert 'value="keep"' in html
    assert 'value="remove"' in html


def test_a_wrong_handle_deletes_nothing(client, alice, alices_work):
    sign_in(client, alice)
    response = delete(client, handle="alicia", stories="remove")
    assert response.status_code == 400
    assert "That is not your handle" in response.content.decode()
    assert User.objects.filter(pk=alice.pk).exists()


def test_a_choice_is_required(client, alice):
    sign_in(client, alice)
    reauthenticate(client)
    response = client.post(URL, {"confirm_handle": "alice"})
    assert response.status_code == 400
    assert User.objects.filter(pk=alice.pk).exists()


def test_anonymous_visitors_delete_nothing(client, alice):
    response = client.post(URL, {"confirm_handle": "alice", "stories": "remove"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert User.objects.filter(pk=alice.pk).exists()


def test_others_cannot_delete_alice_by_typing_her_handle(client, alice, dave):
    sign_in(client, dave)
    response = delete(client, handle="alice", stories="remove")
    assert response.status_code == 400
    assert User.objects.filter(pk__in=[alice.pk, dave.pk]).count() == 2


def test_a_stale_session_must_confirm_the_password_first(client, alice):
    client.force_login(alice)  # no recent password entry in this session
    response = client.post(URL, {"confirm_handle": "alice", "stories": "remove"})
    assert response.status_code == 302
    assert reverse("account_reauthenticate") in response.url
    assert User.objects.filter(pk=alice.pk).exists()
    response = client.post(response.url, {"password": "wrong"})
    assert User.objects.filter(pk=alice.pk).exists()


def test_keeping_stories_moves_published_work_to_the_deleted_account(
    client, alice, alices_work, django_capture_on_commit_callbacks
):
    sign_in(client, alice)
    other_device = Client()
    sign_in(other_device, alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = delete(client, handle="alice", stories="keep")
    assert response.status_code == 302
    assert not User.objects.filter(username="alice").exists()

    sentinel = User.objects.get(username="deleted")
    assert sentinel.display_name == "Deleted account"
    assert not sentinel.has_usable_password()
    assert not sentinel.is_active

    kept = Story.objects.get(pk=alices_work["published"].pk)
    assert kept.author == sentinel
    assert not Story.objects.filter(pk=alices_work["draft"].pk).exists()
    assert Comment.objects.get(pk=alices_work["lone"].pk).author == sentinel
    assert Comment.objects.get(pk=alices_work["answered"].pk).body == "A question?"

    page = client.get(kept.get_absolute_url())
    assert page.status_code == 200
    assert "Deleted account" in page.content.decode()
    assert "Alice" not in page.content.decode()
    # Signed out here and on the other device.
    assert "_auth_user_id" not in client.session
    assert other_device.get("/settings/profile/").status_code == 302
    assert client.get("/@alice").status_code == 404
    deleted_page = client.get("/@deleted")
    assert deleted_page.status_code == 200
    assert "Kept Story" in deleted_page.content.decode()


def test_removing_stories_takes_everything_but_keeps_other_peoples_replies(
    client, alice, bob, alices_work
):
    sign_in(client, alice)
    response = delete(client, handle="alice", stories="remove")
    assert response.status_code == 302
    assert not User.objects.filter(username="alice").exists()
    assert not Story.objects.filter(
        pk__in=[alices_work["published"].pk, alices_work["draft"].pk]
    ).exists()
    assert not Comment.objects.filter(pk=alices_work["lone"].pk).exists()
    placeholder = Comment.objects.get(pk=alices_work["answered"].pk)
    assert placeholder.is_deleted
    assert placeholder.body == ""
    assert placeholder.author.username == "deleted"
    assert Comment.objects.get(pk=alices_work["reply"].pk).body == "An answer."
    assert Story.objects.filter(pk=alices_work["on_bobs"].pk).exists()


def test_two_deleted_accounts_with_the_same_slug_keep_both_stories(client, alice, bob):
    a = make_story(alice, title="Hello World")
    b = make_story(bob, title="Hello World")
    for user, other in ((alice, a), (bob, b)):
        c = Client()
        sign_in(c, user)
        assert delete(c, handle=user.username, stories="keep").status_code == 302
    slugs = set(Story.objects.filter(pk__in=[a.pk, b.pk]).values_list("slug", flat=True))
    assert len(slugs) == 2


def test_deleting_removes_the_avatar_and_hero_files(
    client, alice, settings, django_capture_on_commit_callbacks
):
    make_story(alice, title="With Hero", status="draft", hero_image=image_file(size=(800, 400)))
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(client, alice)
        client.post(
            "/settings/profile/",
            {"display_name": "A", "handle": "alice", "avatar": image_file(size=(300, 300))},
        )
    assert any(settings.MEDIA_ROOT.rglob("*.*"))
    with django_capture_on_commit_callbacks(execute=True):
        assert delete(client, handle="alice", stories="remove").status_code == 302
    assert [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()] == []


def test_the_deleted_account_itself_cannot_sign_in(client, alice):
    sign_in(client, alice)
    delete(client, handle="alice", stories="keep")
    response = client.post(reverse("account_login"), {"login": "deleted", "password": ""})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200
