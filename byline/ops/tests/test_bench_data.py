import json

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from byline.comments.models import Comment
from byline.communities.models import Community
from byline.stories.models import Story, Tag

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_generates_consistent_data_and_the_showcase_story(client):
    call_command("bench-data", stories=60, comments=200, stdout=None)
    assert Story.objects.count() == 60
    assert Comment.objects.count() == 200 + 40  # the showcase story has its own 40
    for story in Story.objects.annotate(n=Count("comments")):
        assert story.comment_count == story.n
    # Explore's story counts too (bulk rows send no signals: `byline reindex` recounts them).
    published = Q(stories__status=Story.Status.PUBLISHED)
    for place in Community.objects.annotate(n=Count("stories", filter=published)):
        assert place.story_count == place.n
    tags = Tag.objects.annotate(n=Count("stories", filter=published))
    assert all(tag.story_count == tag.n for tag in tags) and any(tag.n for tag in tags)
    assert Story.objects.published().count() >= 55
    response = client.get("/@bench_showcase/the-benchmark-story")
    assert response.status_code == 200
    assert "The Benchmark Story" in response.content.decode()
    any_story = Story.objects.published().exclude(author__username="bench_showcase").first()
    assert client.get(any_story.get_absolute_url()).status_code == 200
    # A creator's 100 days of stats, for the dashboard the benchmark measures.
    from byline.stats.models import StoryDay

    creator_rows = StoryDay.objects.filter(story__author__username="bench_author_0")
    assert creator_rows.values("day").distinct().count() == 100
    assert StoryDay.objects.exclude(story__author__username="bench_author_0").exists()
    call_command("bench-data", stories=60, comments=200)  # already there: adds nothing
    assert Story.objects.count() == 60


def test_it_refuses_a_database_with_real_accounts(alice):
    with pytest.raises(CommandError, match="accounts bench-data did not create"):
        call_command("bench-data", stories=10)
    assert Story.objects.count() == 0


def test_a_bench_session_signs_the_reader_in(client):
    call_command("bench-data", stories=5, comments=5)
    from io import StringIO

    out = StringIO()
    call_command("bench-data", info=True, stdout=out)
    info = json.loads(out.getvalue())
    client.cookies["sessionid"] = info["session"]
    assert client.get(info["tag"]).status_code == 200
    assert client.get(info["community"]).status_code == 200
    response = client.get(info["story"])
    assert "Bench Reader" in response.content.decode()


@pytest.mark.usefixtures("no_comment_limits")
def test_the_generated_readers_are_established_so_their_comments_are_not_throttled(settings):
    """The benchmark's 32 writers are random generated readers: if they were new accounts, the
    new-account throttle would answer most comment writes with an error (566 in one run)."""
    from byline.accounts.models import User
    from byline.comments.services import comment_create

    call_command("bench-data", stories=20, comments=20)
    reader = User.objects.filter(username__startswith="bench_reader_").first()
    story = Story.objects.published().exclude(author__username="bench_showcase").first()
    for n in range(settings.COMMENT_NEW_ACCOUNT_LIMIT + 2):
        comment_create(story=story, author=reader, body=f"Comment {n}")
    # Data generated before the accounts were backdated is made established on reuse.
    User.objects.update(date_joined=reader.date_joined.replace(year=2099))
    call_command("bench-data", stories=20, comments=20)
    assert not User.objects.filter(date_joined__year=2099).exists()
