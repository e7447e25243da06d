import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from byline.conftest import make_story
from byline.discovery.selectors import stories_trending
from byline.discovery.services import trending_recompute
from byline.discovery.trending import WINDOW, trending_score
from byline.stories.models import Story

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def score(hours_old: float, **engagement) -> float:
    counts = {"reads": 0, "likes": 0, "insights": 0, "comments": 0, **engagement}
    return trending_score(published_at=NOW - dt.timedelta(hours=hours_old), now=NOW, **counts)


def test_the_formula_is_gravity_over_age():
    assert score(0) == pytest.approx(1 / 2**1.5)
    assert score(2, likes=1) == pytest.approx(3 / 4**1.5)
    assert score(0, reads=10, likes=1, insights=1, comments=1) == pytest.approx(11 / 2**1.5)


def test_newer_beats_older_with_the_same_engagement():
    assert score(1, likes=5) > score(10, likes=5) > score(100, likes=5)


def test_engagement_lifts_a_story_and_time_pulls_it_down():
    assert score(5, likes=10) > score(5, likes=1)
    assert score(5, comments=1) > score(5, insights=1) > score(5, likes=1) > score(5, reads=1)
    # Yesterday's hit falls below a this-morning story with a fraction of its engagement.
    assert score(3, likes=20) > score(48, likes=100)


def test_a_future_publication_date_does_not_explode():
    assert score(-5) == score(0)


@pytest.mark.django_db
def test_the_database_computes_the_same_score(alice):
    now = timezone.now()
    cases = [(0.5, 0, 0, 0, 0), (3, 120, 4, 1, 2), (30, 1000, 50, 9, 12), (200, 7, 0, 3, 0)]
    for hours, reads, likes, insights, comments in cases:
        story = make_story(alice, published_at=now - dt.timedelta(hours=hours))
        Story.objects.filter(pk=story.pk).update(
            view_count=reads, like_count=likes, insight_count=insights, comment_count=comments
        )
    trending_recompute(now=now)
    for story in Story.objects.all():
        expected = trending_score(
            reads=story.view_count,
            likes=story.like_count,
            insights=story.insight_count,
            comments=story.comment_count,
            published_at=story.published_at,
            now=now,
        )
        assert story.trending_score == pytest.approx(expected, rel=1e-6)


@pytest.mark.django_db
def test_trending_orders_by_the_recomputed_score_with_a_fixed_clock(alice):
    now = timezone.now()
    make_story(alice, title="Fresh", published_at=now - dt.timedelta(hours=1))
    loved = make_story(alice, title="Loved", published_at=now - dt.timedelta(hours=20))
    stale = make_story(alice, title="Stale", published_at=now - WINDOW - dt.timedelta(hours=1))
    draft = make_story(alice, title="Draft", status="draft")
    Story.objects.filter(pk=loved.pk).update(like_count=40)
    Story.objects.filter(pk__in=[stale.pk, draft.pk]).update(like_count=1000, trending_score=99)

    trending_recompute(now=now)
    page = stories_trending(cursor=None, size=10)
    assert [s.title for s in page.items] == ["Loved", "Fresh"]
    assert Story.objects.get(pk=stale.pk).trending_score == 0
    assert Story.objects.get(pk=draft.pk).trending_score == 0


@pytest.mark.django_db
def test_a_big_older_story_overtakes_a_small_fresh_one_as_both_age(alice):
    now = timezone.now()
    big = make_story(alice, title="Big", published_at=now - dt.timedelta(hours=24))
    small = make_story(alice, title="Small", published_at=now - dt.timedelta(hours=1))
    Story.objects.filter(pk=big.pk).update(like_count=30)
    Story.objects.filter(pk=small.pk).update(like_count=5)
    trending_recompute(now=now)
    assert [s.title for s in stories_trending(cursor=None, size=10).items] == ["Small", "Big"]
    trending_recompute(now=now + dt.timedelta(days=3))
    assert [s.title for s in stories_trending(cursor=None, size=10).items] == ["Big", "Small"]


@pytest.mark.django_db
def test_the_command_and_the_task_recompute(alice):
    story = make_story(alice, title="Task")
    call_command("trending", stdout=__import__("io").StringIO())
    assert Story.objects.get(pk=story.pk).trending_score > 0
    Story.objects.update(trending_score=0)
    from byline.discovery.tasks import recompute_trending

    result = recompute_trending.enqueue()
    assert result.return_value == 1
    assert Story.objects.get(pk=story.pk).trending_score > 0


@pytest.mark.django_db(transaction=True)
def test_pages_that_show_trending_refresh_it_once_per_interval(client, alice):
    story = make_story(alice, title="Lazy")
    assert Story.objects.get(pk=story.pk).trending_score == 0
    html = client.get("/explore/", {"tab": "trending"}).content.decode()
    assert Story.objects.get(pk=story.pk).trending_score > 0
    Story.objects.update(trending_score=0)
    client.get("/")  # within the interval: no second recompute
    assert Story.objects.get(pk=story.pk).trending_score == 0
    assert "Nothing is trending right now." in html or "Lazy" in html
