import pytest
from django.core.management import call_command

from byline.accounts.models import User
from byline.comments.models import Comment
from byline.communities.models import Community
from byline.insights.models import Insight, Rating
from byline.stories.models import Story

pytestmark = pytest.mark.django_db


def counts():
    return (
        Story.objects.count(),
        User.objects.count(),
        Community.objects.count(),
        Comment.objects.count(),
        Rating.objects.count(),
        Insight.objects.count(),
    )


def test_demo_content_loads_once_with_everything_a_reader_should_see(client, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo")
    published = Story.objects.published()
    assert published.count() >= 8
    assert published.values("author").distinct().count() >= 4
    assert Community.objects.exclude(logo="").count() >= 4
    assert published.filter(hero_image="").count() == 0
    assert not published.filter(hero_image_caption="").exists()
    assert published.filter(tags__isnull=False).distinct().count() == published.count()
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert Rating.objects.exists() and Insight.objects.exists()
    assert User.objects.get(username="admin").is_superuser
    assert (tmp_path / "demo-admin-password").exists()

    before = counts()
    call_command("demo")
    assert counts() == before

    story = Comment.objects.first().story
    html = client.get(story.get_absolute_url()).content.decode()
    assert "There are no comments for this story" not in html
