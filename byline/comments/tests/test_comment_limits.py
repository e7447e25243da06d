"""Every account has a per-minute comment limit and cannot post the same text twice within a
few minutes; both hold when the posts arrive at the same moment."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from byline.comments.models import Comment
from byline.comments.services import comment_create
from byline.conftest import make_story, make_user, run_together


def create_url(story) -> str:
    return f"/stories/{story.pk}/comments/"


@pytest.mark.django_db
def test_an_established_account_gets_a_per_minute_limit(client, story, bob, settings):
    settings.COMMENT_RATE_PER_MINUTE = 3
    client.force_login(bob)
    for n in range(3):
        assert client.post(create_url(story), {"body": f"Thought {n}"}).status_code == 302
    response = client.post(create_url(story), {"body": "One more thought"}, HTTP_HX_REQUEST="1")
    page = response.content.decode()
    assert "You can post 3 comments a minute." in page
    assert ">One more thought</textarea>" in page  # the typed text is kept
    assert Comment.objects.count() == 3


@pytest.mark.django_db
def test_the_minute_slides(story, bob, settings):
    settings.COMMENT_RATE_PER_MINUTE = 2
    comment_create(story=story, author=bob, body="one")
    comment_create(story=story, author=bob, body="two")
    with pytest.raises(ValidationError):
        comment_create(story=story, author=bob, body="three")
    Comment.objects.update(created_at=timezone.now() - dt.timedelta(seconds=61))
    comment_create(story=story, author=bob, body="three")


@pytest.mark.django_db
def test_new_accounts_have_the_stricter_limit(story, settings):
    settings.COMMENT_RATE_PER_MINUTE = 10
    settings.COMMENT_NEW_ACCOUNT_LIMIT = 2
    newcomer = make_user("newcomer", date_joined=timezone.now() - dt.timedelta(hours=1))
    comment_create(story=story, author=newcomer, body="one")
    comment_create(story=story, author=newcomer, body="two")
    with pytest.raises(ValidationError, match="New accounts can post 2 comments"):
        comment_create(story=story, author=newcomer, body="three")


@pytest.mark.django_db
def test_the_same_comment_twice_is_refused_as_a_duplicate(client, alice, story, bob):
    client.force_login(bob)
    assert client.post(create_url(story), {"body": "Great story!"}).status_code == 302
    other = make_story(alice, title="Another one")
    response = client.post(create_url(other), {"body": "  great   STORY! "})
    assert response.status_code == 400
    assert "You posted this same comment a moment ago." in response.content.decode()
    assert Comment.objects.count() == 1


@pytest.mark.django_db
def test_the_same_text_is_fine_again_after_the_duplicate_window(story, bob, settings):
    settings.COMMENT_DUPLICATE_MINUTES = 5
    comment_create(story=story, author=bob, body="Great story!")
    Comment.objects.update(created_at=timezone.now() - dt.timedelta(minutes=6))
    comment_create(story=story, author=bob, body="Great story!")
    assert Comment.objects.count() == 2


# --- Under concurrency: real threads, each with its own database connection -------------------


@pytest.fixture
def bob_client(concurrent_db, bob):
    client = Client()
    client.force_login(bob)
    return client


def test_twenty_simultaneous_posts_of_the_same_text_store_one(bob_client, story):
    responses = run_together(
        *[lambda: bob_client.post(create_url(story), {"body": "Me first!"}) for _ in range(20)]
    )
    codes = sorted(getattr(response, "status_code", repr(response)) for response in responses)
    assert codes == [302] + [400] * 19
    assert Comment.objects.filter(body="Me first!").count() == 1
    story.refresh_from_db()
    assert story.comment_count == 1


def test_a_burst_of_a_hundred_posts_stores_at_most_the_limit(concurrent_db, story, bob, settings):
    settings.COMMENT_RATE_PER_MINUTE = 6

    def post(text: str) -> bool:
        try:
            comment_create(story=story, author=bob, body=text)
        except ValidationError:
            return False
        return True

    def four_posts(thread: int):
        return lambda: [post(f"spam {thread}-{n}") for n in range(4)]

    results = run_together(*[four_posts(thread) for thread in range(25)])  # 100 posts
    assert sum(sum(result) for result in results) == 6
    assert Comment.objects.filter(author=bob).count() == 6
    story.refresh_from_db()
    assert story.comment_count == 6
