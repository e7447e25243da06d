import pytest
from django.core.management import CommandError, call_command

from byline.accounts.models import User

pytestmark = pytest.mark.django_db


def test_createadmin_makes_a_staff_account_with_a_generated_password(capsys, client):
    call_command("createadmin", "operator", "--email", "op@example.org")
    out = capsys.readouterr().out
    password = out.rsplit("Password: ", 1)[1].strip()
    user = User.objects.get(username="operator")
    assert user.is_staff and user.is_superuser
    assert len(password) >= 12 and user.check_password(password)
    assert client.login(username="operator", password=password)
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("handle", ["Bad Handle!", "x", "alice"])
def test_createadmin_refuses_bad_or_taken_handles(handle, alice):
    with pytest.raises(CommandError):
        call_command("createadmin", handle)
    assert User.objects.filter(username=handle).count() == (1 if handle == "alice" else 0)


def test_a_server_error_shows_a_friendly_page_without_a_traceback(client, settings):
    from django.urls import clear_url_caches

    settings.ROOT_URLCONF = "byline.core.tests.broken_urls"
    clear_url_caches()
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert b"secret internals" not in response.content and b"Traceback" not in response.content
