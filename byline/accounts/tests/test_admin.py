import pytest

from byline.accounts.models import HandleRedirect, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db):
    return User.objects.create_superuser("operator", "op@example.org", "pw-for-admin-tests")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/accounts/user/?q=alice",
        "/admin/accounts/handleredirect/?q=old",
        "/admin/core/imagerendition/?q=heroes",
    ],
)
def test_operators_can_search_accounts_and_images(client, operator, alice, url):
    HandleRedirect.objects.create(old_handle="alice_old", user=alice)
    client.force_login(operator)
    response = client.get(url)
    assert response.status_code == 200


def test_the_user_page_shows_old_handles(client, operator, alice):
    HandleRedirect.objects.create(old_handle="alice_old", user=alice)
    client.force_login(operator)
    html = client.get(f"/admin/accounts/user/{alice.pk}/change/").content.decode()
    assert "alice_old" in html


def test_readers_and_moderators_cannot_open_the_admin(client, bob, carol):
    for person in (bob, carol):
        client.force_login(person)
        assert client.get("/admin/accounts/user/").status_code == 302
