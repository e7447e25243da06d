import pytest
from django.core import mail

from byline.comments.services import comment_create
from byline.social.models import EmailPreference, Notification
from byline.social.services import email_preference_set, like_add
from byline.social.tasks import notification_send_email

pytestmark = pytest.mark.django_db


def test_the_bell_shows_the_unread_count_to_signed_in_people_only(client, story, alice, bob):
    comment_create(story=story, author=bob, body="Hi")
    like_add(story=story, user=bob)
    assert 'class="bell' not in client.get("/").content.decode()
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert 'aria-label="Notifications: 2 unread"' in html
    assert '<span class="bell__count">2</span>' in html


def test_the_notifications_page_lists_newest_first_and_marks_one_read(client, story, alice, bob):
    comment_create(story=story, author=bob, body="Lovely")
    like_add(story=story, user=bob)
    client.force_login(alice)
    html = client.get("/notifications/").content.decode()
    assert html.index("Bob Reader liked") < html.index("Bob Reader commented on")
    assert "2 unread" in html and "Lovely" in html
    comment_notice = Notification.objects.get(kind="comment")
    response = client.post(f"/notifications/{comment_notice.pk}/read/")
    assert response.status_code == 302
    comment_notice.refresh_from_db()
    assert comment_notice.read_at is not None
    assert "1 unread" in client.get("/notifications/").content.decode()


def test_mark_all_read_with_htmx_returns_the_inbox_partial(client, story, alice, bob):
    comment_create(story=story, author=bob, body="Lovely")
    client.force_login(alice)
    response = client.post("/notifications/read-all/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and 'id="inbox"' in html
    assert "You are all caught up." in html
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_nobody_reads_or_marks_someone_elses_notifications(client, story, alice, bob, dave):
    comment_create(story=story, author=bob, body="Lovely")
    notice = Notification.objects.get()
    client.force_login(dave)
    assert client.post(f"/notifications/{notice.pk}/read/").status_code == 404
    client.post("/notifications/read-all/")
    assert "Lovely" not in client.get("/notifications/").content.decode()
    notice.refresh_from_db()
    assert notice.read_at is None


def test_visitors_are_sent_to_sign_in(client, story, bob):
    comment_create(story=story, author=bob, body="Lovely")
    for response in (
        client.get("/notifications/"),
        client.post("/notifications/read-all/"),
        client.get("/settings/notifications/"),
    ):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_the_empty_inbox_explains_itself(client, dave):
    client.force_login(dave)
    assert "No notifications yet" in client.get("/notifications/").content.decode()


@pytest.mark.usefixtures("no_comment_limits")
def test_notifications_are_keyset_paginated_with_a_flat_query_count(
    client, alice, bob, settings, django_assert_max_num_queries
):
    from byline.conftest import make_story

    settings.PAGE_SIZE = 3  # six per page
    for n in range(8):
        story = make_story(alice, title=f"Story {n}")
        comment_create(story=story, author=bob, body=f"c{n}")
    client.force_login(alice)
    with django_assert_max_num_queries(9):
        html = client.get("/notifications/").content.decode()
    assert html.count('class="notification notification--unread') == 6
    assert 'rel="next"' in html


def test_email_copies_go_out_only_for_the_kinds_chosen(
    client, story, alice, bob, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    response = client.post("/settings/notifications/", {"email": ["comment", "bogus"]})
    assert response.status_code == 302
    preference = EmailPreference.objects.get(user=alice)
    assert preference.comment and not preference.like
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(story=story, author=bob, body="Lovely")
        like_add(story=story, user=bob)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.org"]
    assert "Bob Reader commented on" in mail.outbox[0].subject
    assert "/@alice/the-river-remembers#comment-" in mail.outbox[0].body


def test_no_email_when_the_recipient_opted_out_before_the_task_ran(story, alice, bob):
    email_preference_set(user=alice, kinds={"comment"})
    comment_create(story=story, author=bob, body="Lovely")
    email_preference_set(user=alice, kinds=set())
    notice = Notification.objects.get()
    assert notification_send_email.call(notification_id=notice.pk) is False
    assert mail.outbox == []


def test_a_notification_is_emailed_once_even_when_its_task_is_sent_twice(story, alice, bob):
    # The outbox delivers at least once: a worker killed between queueing the task and deleting
    # its row sends it again, and the recipient must not get the e-mail twice.
    email_preference_set(user=alice, kinds={"comment"})
    comment_create(story=story, author=bob, body="Lovely")
    notice = Notification.objects.get()
    assert notification_send_email.call(notification_id=notice.pk) is True
    assert notification_send_email.call(notification_id=notice.pk) is False
    assert len(mail.outbox) == 1


def test_a_notification_whose_email_failed_is_emailed_on_the_next_try(story, alice, bob, settings):
    email_preference_set(user=alice, kinds={"comment"})
    comment_create(story=story, author=bob, body="Lovely")
    notice = Notification.objects.get()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens: refused
    with pytest.raises(OSError):
        notification_send_email.call(notification_id=notice.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notification_send_email.call(notification_id=notice.pk) is True
    assert len(mail.outbox) == 1


def test_the_settings_page_shows_the_current_choices(client, alice):
    email_preference_set(user=alice, kinds={"follow"})
    client.force_login(alice)
    html = client.get("/settings/notifications/").content.decode()
    assert 'value="follow" checked' in html and 'value="like">' in html


def test_a_comment_notification_quotes_the_text_readers_see_not_its_markdown(
    client, story, alice, bob
):
    comment_create(
        story=story, author=bob, body="**Great** [read](https://x.example/long) `<b>` AT&amp;T"
    )
    client.force_login(alice)
    html = client.get("/notifications/").content.decode()
    assert '<p class="notification__excerpt">Great read &lt;b&gt; AT&amp;T</p>' in html
