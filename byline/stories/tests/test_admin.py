"""Operators' admin pages for the writing and moderation models open and search."""

import pytest
from django.urls import reverse

from byline.accounts.models import User
from byline.conftest import make_story

pytestmark = pytest.mark.django_db

MODELS = [
    "stories/story",
    "stories/tag",
    "stories/storyrevision",
    "stories/storyslugredirect",
    "stories/storyimage",
    "communities/community",
    "comments/comment",
    "insights/rating",
    "insights/insight",
    "moderation/moderationaction",
]


@pytest.mark.parametrize("model", MODELS)
def test_each_admin_list_opens_searches_and_filters(client, alice, community, model):
    make_story(alice, community=community, tags=["Nature"])
    admin = User.objects.create_superuser("operator", "op@example.org", "pw-long-enough-1")
    client.force_login(admin)
    url = f"/admin/{model}/"
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "river"}).status_code == 200


def test_the_story_admin_shows_revisions(client, alice):
    story = make_story(alice, title="With history")
    admin = User.objects.create_superuser("operator", "op@example.org", "pw-long-enough-1")
    client.force_login(admin)
    response = client.get(reverse("admin:stories_story_change", args=[story.pk]))
    assert response.status_code == 200
    assert b"Story revisions" in response.content
