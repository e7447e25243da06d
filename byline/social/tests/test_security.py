"""Cross-cutting rules for everything readers write back: CSRF on every action, user text
escaped on every surface that shows it."""

import pytest
from django.test import Client

from byline.comments.models import Comment
from byline.comments.services import comment_create
from byline.conftest import make_user
from byline.insights.models import Insight
from byline.moderation.models import Report
from byline.moderation.services import report_create
from byline.social.models import Follow, Like

pytestmark = pytest.mark.django_db

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_every_action_refuses_a_post_without_a_csrf_token(story, alice, bob, community):
    comment = comment_create(story=story, author=alice, body="Mine")
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    posts = [
        (f"/stories/{story.pk}/insights/", {"action": "add:heartfelt"}),
        (f"/stories/{story.pk}/comments/", {"body": "Hi"}),
        (f"/stories/{story.pk}/like/", {"like": "on"}),
        ("/@alice/follow/", {"follow": "on"}),
        ("/c/earth/follow/", {"follow": "on"}),
        (f"/report/comment/{comment.pk}/", {"reason": "spam"}),
        ("/notifications/read-all/", {}),
        ("/settings/notifications/", {"email": ["comment"]}),
    ]
    for path, data in posts:
        assert client.post(path, data).status_code == 403, path
    assert not Insight.objects.exists() and not Like.objects.exists()
    assert not Follow.objects.exists() and not Report.objects.exists()
    assert Comment.objects.count() == 1


def test_user_text_is_escaped_on_every_engagement_surface(client, story, alice, carol):
    from byline.social.services import follow_creator, like_add

    villain = make_user("villain", display_name=EVIL)
    comment = comment_create(story=story, author=villain, body=EVIL)
    report_create(reporter=villain, comment=comment, reason="other", details=EVIL)
    like_add(story=story, user=villain)
    follow_creator(follower=villain, creator=alice)
    surfaces = {
        alice: [story.get_absolute_url(), "/notifications/", "/@alice/followers/"],
        carol: ["/moderation/reports/"],
    }
    for who, paths in surfaces.items():
        client.force_login(who)
        for path in paths:
            html = client.get(path).content.decode()
            assert "villain" in html.lower() or "&lt;script&gt;" in html, path
            assert "<script>alert" not in html, path
            assert "<img src=x" not in html, path
