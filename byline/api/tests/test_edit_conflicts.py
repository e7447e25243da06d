"""The API's edits carry the version they were made on (`version` or If-Match): an edit on an
old copy is refused with 409 and changes nothing."""

import pytest

from byline.conftest import make_story

pytestmark = pytest.mark.django_db


def test_an_api_edit_on_an_old_version_is_409_and_changes_nothing(api, tokens, alice):
    story = make_story(alice, body="Original.")
    path = f"/stories/{story.pk}"
    fetched = api.get(path, token=tokens["alice"]).json()["version"]
    newer = api.patch(path, {"body": "Newer.", "version": fetched}, token=tokens["alice"])
    assert newer.status_code == 200
    assert newer.json()["version"] == fetched + 1
    stale = api.patch(path, {"body": "Stale.", "version": fetched}, token=tokens["alice"])
    assert stale.status_code == 409
    assert stale.json()["code"] == "edit_conflict"
    header = api.patch(
        path, {"body": "Stale."}, token=tokens["alice"], headers={"If-Match": f'"{fetched}"'}
    )
    assert header.status_code == 409
    story.refresh_from_db()
    assert story.body == "Newer."


def test_an_api_edit_with_the_current_version_in_if_match_applies(api, tokens, alice):
    story = make_story(alice, body="Original.")
    response = api.patch(
        f"/stories/{story.pk}",
        {"body": "Changed."},
        token=tokens["alice"],
        headers={"If-Match": f'W/"{story.version}"'},
    )
    assert response.status_code == 200
    assert response.json()["body"] == "Changed."


def test_a_malformed_if_match_is_bad_input(api, tokens, alice):
    story = make_story(alice)
    response = api.patch(
        f"/stories/{story.pk}", {"body": "x"}, token=tokens["alice"], headers={"If-Match": "abc"}
    )
    assert response.status_code == 422
