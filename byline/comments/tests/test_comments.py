import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from byline.comments.models import Comment
from byline.comments.selectors import comment_thread
from byline.comments.services import comment_create, comment_delete, comment_update
from byline.conftest import make_story, make_user
from byline.social.models import Notification

pytestmark = pytest.mark.django_db


def comment_count(story) -> int:
    story.refresh_from_db()
    return story.comment_count


def create_url(story):
    return f"/stories/{story.pk}/comments/"


# --- Writing comments -------------------------------------------------------------------------


def test_a_reader_comments_with_a_plain_post_and_lands_on_the_comment(client, story, bob):
    client.force_login(bob)
    response = client.post(create_url(story), {"body": "A *fine* piece."})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{story.get_absolute_url()}#comment-{comment.pk}"
    assert comment.body_html == "<p>A <em>fine</em> piece.</p>\n"
    assert comment_count(story) == 1


def test_htmx_gets_the_comments_section_back(client, story, bob):
    client.force_login(bob)
    response = client.post(create_url(story), {"body": "Hello"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="story-comments"' in html and "<html" not in html
    assert "Hello" in html and '<span class="count-badge"' in html


def test_comment_markup_is_sanitized_and_links_are_nofollow_ugc(client, story, bob):
    client.force_login(bob)
    client.post(
        create_url(story),
        {"body": "<script>alert(1)</script> [x](javascript:alert(1)) [site](https://example.org)"},
    )
    html = client.get(story.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert 'href="javascript:' not in html
    assert 'rel="nofollow ugc noopener"' in html or 'rel="nofollow noopener ugc"' in html


def test_too_long_or_empty_comments_get_a_clear_message_and_keep_the_draft(client, story, bob):
    client.force_login(bob)
    response = client.post(create_url(story), {"body": "x" * 5001})
    html = response.content.decode()
    assert response.status_code == 400
    assert "A comment can be at most 5,000 characters long (this one has 5,001)." in html
    assert "x" * 5001 in html  # nothing typed is lost
    response = client.post(create_url(story), {"body": "   "})
    assert "a comment cannot be empty" in response.content.decode()
    assert not Comment.objects.exists() and comment_count(story) == 0


def test_visitors_are_sent_to_sign_in_and_nothing_is_stored(client, story):
    response = client.post(create_url(story), {"body": "Hi"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Comment.objects.exists()


def test_suspended_accounts_cannot_comment(client, story, mallory):
    client.force_login(mallory)
    assert client.post(create_url(story), {"body": "Hi"}).status_code == 403
    assert not Comment.objects.exists()
    html = client.get(story.get_absolute_url()).content.decode()
    assert "Your account is suspended, so you cannot comment." in html


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected"])
def test_unpublished_stories_take_no_comments(client, alice, bob, status):
    story = make_story(alice, status=status)
    for user in (bob, alice):
        client.force_login(user)
        assert client.post(create_url(story), {"body": "Hi"}).status_code == 404
    with pytest.raises(PermissionDenied):
        comment_create(story=story, author=alice, body="Hi")
    assert not Comment.objects.exists()


def test_the_author_turns_comments_off_and_the_form_becomes_a_notice(client, story, alice, bob):
    comment_create(story=story, author=bob, body="Before")
    client.force_login(alice)
    response = client.post(f"/stories/{story.pk}/comments/switch/", {"enabled": "off"})
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.comments_enabled is False
    client.force_login(bob)
    html = client.get(story.get_absolute_url()).content.decode()
    assert "The author has turned comments off for this story." in html
    assert "Post comment" not in html and "Before" in html
    assert client.post(create_url(story), {"body": "After"}).status_code == 403
    assert list(Comment.objects.values_list("body", flat=True)) == ["Before"]


@pytest.mark.parametrize("who", ["bob", "carol", "mallory"])
def test_only_the_author_turns_comments_off(client, request, story, who):
    client.force_login(request.getfixturevalue(who))
    assert (
        client.post(f"/stories/{story.pk}/comments/switch/", {"enabled": "off"}).status_code == 403
    )
    story.refresh_from_db()
    assert story.comments_enabled is True


def test_new_accounts_are_throttled_with_a_clear_message(client, story, settings):
    settings.COMMENT_NEW_ACCOUNT_LIMIT = 2
    newcomer = make_user("newcomer", date_joined=timezone.now() - dt.timedelta(hours=1))
    client.force_login(newcomer)
    for n in range(2):
        assert client.post(create_url(story), {"body": f"n{n}"}).status_code == 302
    response = client.post(create_url(story), {"body": "third"})
    assert response.status_code == 429
    assert "New accounts can post 2 comments every 10 minutes." in response.content.decode()
    assert Comment.objects.count() == 2


def test_established_accounts_are_not_throttled(story, bob, settings):
    settings.COMMENT_NEW_ACCOUNT_LIMIT = 2
    for n in range(4):
        comment_create(story=story, author=bob, body=f"n{n}")
    assert Comment.objects.count() == 4


# --- Threads ----------------------------------------------------------------------------------


def test_replies_nest_two_deep_and_deeper_replies_join_the_deepest_level(story, bob, dave, carol):
    top = comment_create(story=story, author=bob, body="top")
    reply = comment_create(story=story, author=dave, body="reply", parent=top)
    deep = comment_create(story=story, author=carol, body="deep", parent=reply)
    deeper = comment_create(story=story, author=bob, body="deeper", parent=deep)
    assert deep.parent == reply and deeper.parent == reply
    thread = comment_thread(story=story)
    [node] = thread.comments
    assert [c.body for c in node.children] == ["reply"]
    assert [c.body for c in node.children[0].children] == ["deep", "deeper"]
    # The person replied to still hears about it, even though the reply was flattened.
    assert Notification.objects.filter(recipient=carol, kind="reply", comment=deeper).exists()


def test_a_reply_must_belong_to_the_same_story(client, story, alice, bob):
    other = make_story(alice, title="Other")
    foreign = comment_create(story=other, author=bob, body="elsewhere")
    client.force_login(bob)
    response = client.post(create_url(story), {"body": "x", "parent": foreign.pk})
    assert response.status_code == 404
    assert Comment.objects.count() == 1


def test_sorting_newest_or_oldest_first(client, story, bob):
    # Bodies unlike the comments' anchors ("comment-25" contains "comment-2" on PostgreSQL).
    for n in range(3):
        comment = comment_create(story=story, author=bob, body=f"remark {n}")
        Comment.objects.filter(pk=comment.pk).update(
            created_at=timezone.now() - dt.timedelta(minutes=10 - n)
        )
    oldest = client.get(story.get_absolute_url()).content.decode()
    newest = client.get(story.get_absolute_url() + "?sort=newest").content.decode()
    assert oldest.index("remark 0") < oldest.index("remark 2")
    assert newest.index("remark 2") < newest.index("remark 0")


def test_top_level_comments_are_keyset_paginated(client, story, bob, settings):
    settings.COMMENTS_PAGE_SIZE = 2
    for n in range(5):
        comment_create(story=story, author=bob, body=f"comment-{n}")
    first = comment_thread(story=story, sort="oldest")
    assert [c.body for c in first.comments] == ["comment-0", "comment-1"]
    second = comment_thread(story=story, sort="oldest", cursor=first.next_cursor)
    assert [c.body for c in second.comments] == ["comment-2", "comment-3"]
    html = client.get(f"{story.get_absolute_url()}?sort=oldest&after={first.next_cursor}")
    assert "comment-2" in html.content.decode() and "comment-0" not in html.content.decode()


@pytest.mark.usefixtures("no_comment_limits")
def test_the_story_page_query_count_stays_flat_with_a_big_thread(
    client, story, bob, dave, django_assert_max_num_queries
):
    for n in range(10):
        top = comment_create(story=story, author=bob, body=f"top {n}")
        reply = comment_create(story=story, author=dave, body=f"reply {n}", parent=top)
        comment_create(story=story, author=bob, body=f"deep {n}", parent=reply)
    with django_assert_max_num_queries(12):
        client.get(story.get_absolute_url())
    client.force_login(dave)
    with django_assert_max_num_queries(20):
        response = client.get(story.get_absolute_url())
    assert response.content.decode().count('class="comment comment--reply"') == 20


def query_plans(fetch) -> list[str]:
    """The plan of every query `fetch` runs, sequential scans made cost-prohibitive on PostgreSQL
    (a test database is tiny, so the planner would otherwise rightly prefer them)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        fetch()
    plans = []
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            explain = "EXPLAIN "
        else:
            explain = "EXPLAIN QUERY PLAN "
        for query in queries.captured_queries:
            cursor.execute(explain + query["sql"])
            plans.append("\n".join(str(row[-1] if len(row) > 1 else row[0]) for row in cursor))
    return plans


@pytest.mark.usefixtures("no_comment_limits")
def test_a_thread_reads_only_its_own_storys_comments(story, bob, dave, alice):
    """Every query behind a story's thread is driven by the story's index, so the page costs the
    same on a site with a million comments (the replies query once joined its way through every
    comment on the site: 0.7 s at 500,000 comments)."""
    other = make_story(alice)
    for target in (story, other):
        top = comment_create(story=target, author=bob, body="top")
        comment_create(story=target, author=dave, body="reply", parent=top)
    plans = query_plans(lambda: comment_thread(story=story))
    assert len(plans) == 2, plans  # the page of top-level comments, then their replies
    for plan in plans:
        assert "comment_story_idx" in plan, plan
        assert "SCAN comments_comment" not in plan and "SCAN accounts_user" not in plan, plan
        assert "Seq Scan" not in plan, plan


# --- Editing and deleting ---------------------------------------------------------------------


def test_authors_edit_their_own_comment_and_it_is_marked_edited(client, story, bob):
    comment = comment_create(story=story, author=bob, body="Frist")
    client.force_login(bob)
    response = client.post(f"/comments/{comment.pk}/edit/", {"body": "First"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "First" and comment.edited_at is not None
    assert "edited</span>" in client.get(story.get_absolute_url()).content.decode()


def test_the_edit_page_works_without_javascript_and_shows_errors(client, story, bob):
    comment = comment_create(story=story, author=bob, body="Frist")
    client.force_login(bob)
    assert "Frist" in client.get(f"/comments/{comment.pk}/edit/").content.decode()
    response = client.post(f"/comments/{comment.pk}/edit/", {"body": ""})
    assert response.status_code == 400
    assert "a comment cannot be empty" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Frist"


@pytest.mark.parametrize("who", ["alice", "dave", "carol"])
def test_nobody_else_edits_or_deletes_a_comment(client, request, story, bob, who):
    comment = comment_create(story=story, author=bob, body="Mine")
    client.force_login(request.getfixturevalue(who))
    for path in (f"/comments/{comment.pk}/edit/", f"/comments/{comment.pk}/delete/"):
        assert client.get(path).status_code == 404
        assert client.post(path, {"body": "Hacked"}).status_code == 404
    comment.refresh_from_db()
    assert comment.body == "Mine" and not comment.is_deleted
    with pytest.raises(PermissionDenied):
        comment_update(comment=comment, by=request.getfixturevalue(who), body="Hacked")


def test_visitors_cannot_edit_or_delete(client, story, bob):
    comment = comment_create(story=story, author=bob, body="Mine")
    for path in (f"/comments/{comment.pk}/edit/", f"/comments/{comment.pk}/delete/"):
        response = client.post(path, {"body": "Hacked"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    comment.refresh_from_db()
    assert comment.body == "Mine"


def test_a_suspended_author_cannot_change_their_comments(client, story, bob):
    comment = comment_create(story=story, author=bob, body="Mine")
    bob.suspended_at = timezone.now()
    bob.save(update_fields=["suspended_at"])
    client.force_login(bob)
    assert client.post(f"/comments/{comment.pk}/delete/").status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_deleting_a_comment_without_replies_removes_it(client, story, bob):
    comment = comment_create(story=story, author=bob, body="Oops")
    client.force_login(bob)
    assert "Delete your comment?" in client.get(f"/comments/{comment.pk}/delete/").content.decode()
    response = client.post(f"/comments/{comment.pk}/delete/")
    assert response.status_code == 302
    assert not Comment.objects.exists() and comment_count(story) == 0
    assert (
        "There are no comments for this story"
        in client.get(story.get_absolute_url()).content.decode()
    )


def test_deleting_a_comment_with_replies_leaves_a_marker(client, story, bob, dave):
    comment = comment_create(story=story, author=bob, body="Secret words")
    comment_create(story=story, author=dave, body="A reply", parent=comment)
    comment_delete(comment=comment, by=bob)
    comment.refresh_from_db()
    assert comment.is_deleted and comment.body == ""
    html = client.get(story.get_absolute_url()).content.decode()
    assert "This comment was deleted." in html and "A reply" in html
    assert "Secret words" not in html
    assert comment_count(story) == 1


def test_empty_body_is_refused_by_the_service_too(story, bob):
    with pytest.raises(ValidationError):
        comment_create(story=story, author=bob, body="")


# --- Notifications ----------------------------------------------------------------------------


def test_the_author_and_the_parent_commenter_are_notified(story, alice, bob, dave):
    top = comment_create(story=story, author=bob, body="top")
    comment_create(story=story, author=dave, body="reply", parent=top)
    comment_create(story=story, author=alice, body="author replies", parent=top)
    kinds = sorted(
        Notification.objects.values_list("recipient__username", "kind", "actor__username")
    )
    assert kinds == [
        ("alice", "comment", "bob"),
        ("alice", "comment", "dave"),
        ("bob", "reply", "alice"),
        ("bob", "reply", "dave"),
    ]


def test_htmx_sorting_gets_just_the_comments_section(client, story, bob):
    comment_create(story=story, author=bob, body="only one")
    response = client.get(
        story.get_absolute_url() + "?sort=newest",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="story-comments",
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="comments" id="story-comments"')
    assert "only one" in html and "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_a_long_thread_shows_its_first_replies_and_links_to_the_rest(
    client, story, bob, dave, settings
):
    settings.COMMENT_REPLIES_SHOWN = 3
    top = comment_create(story=story, author=bob, body="top")
    for n in range(5):
        comment_create(story=story, author=dave, body=f"reply-{n}", parent=top)
    html = client.get(story.get_absolute_url()).content.decode()
    assert "reply-2" in html and "reply-3" not in html
    assert f'href="?thread={top.pk}#comment-{top.pk}">View all 5 replies</a>' in html
    html = client.get(f"{story.get_absolute_url()}?thread={top.pk}").content.decode()
    assert "reply-4" in html and "View all" not in html and "All comments" in html
