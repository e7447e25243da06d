import pytest
from django.core.exceptions import ValidationError

from byline.accounts.models import HandleRedirect
from byline.accounts.services import deleted_user_get, user_delete, user_update_profile
from byline.conftest import image_file
from byline.core.images import clean_image

pytestmark = pytest.mark.django_db


def test_a_handle_taken_in_a_race_changes_nothing_and_stores_nothing(alice, bob, settings):
    # The form checked the handle; someone took it before the save (the database says no).
    with pytest.raises(ValidationError, match="That handle is taken"):
        user_update_profile(
            user=alice,
            display_name="Alice",
            handle="bob",
            bio="",
            website="",
            avatar=clean_image(image_file(size=(300, 300))),
        )
    alice.refresh_from_db()
    assert alice.username == "alice"
    assert not alice.avatar
    assert not HandleRedirect.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]


def test_there_is_only_one_deleted_account(alice, bob):
    assert deleted_user_get() == deleted_user_get()


def test_the_deleted_account_cannot_be_deleted():
    with pytest.raises(ValueError, match="cannot be deleted"):
        user_delete(user=deleted_user_get(), keep_stories=True)
