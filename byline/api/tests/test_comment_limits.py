"""The comment limits through the API: 429 with Retry-After, 409 for a duplicate."""

import pytest

from byline.api.tests.conftest import make_token
from byline.comments.models import Comment


@pytest.mark.django_db
def test_the_api_answers_429_with_retry_after_and_409_for_a_duplicate(api, story, bob, settings):
    settings.COMMENT_RATE_PER_MINUTE = 2
    token = make_token(bob)
    path = f"/stories/{story.pk}/comments"
    assert api.post(path, {"body": "First"}, token=token).status_code == 201
    duplicate = api.post(path, {"body": "first"}, token=token)
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "duplicate"
    assert api.post(path, {"body": "Second"}, token=token).status_code == 201
    limited = api.post(path, {"body": "Third"}, token=token)
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert Comment.objects.count() == 2
