import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from byline.conftest import make_story
from byline.insights.models import Insight, Rating
from byline.insights.services import insight_add, insight_remove, rating_remove, rating_set
from byline.social.models import Notification
from byline.stories.models import Story

pytestmark = pytest.mark.django_db


def url(story):
    return f"/stories/{story.pk}/insights/"


def counts(story):
    story.refresh_from_db()
    return (
        Rating.objects.filter(story=story).count(),
        Insight.objects.filter(story=story).count(),
        story.insight_count,
    )


def test_a_reader_gives_one_rating_and_can_change_and_remove_it(story, bob):
    rating_set(story=story, reader=bob, value="good_effort")
    rating_set(story=story, reader=bob, value="outstanding")
    assert list(Rating.objects.values_list("value", flat=True)) == ["outstanding"]
    assert counts(story) == (1, 0, 1)
    assert rating_remove(story=story, reader=bob) is True
    assert rating_remove(story=story, reader=bob) is False
    assert counts(story) == (0, 0, 0)


def test_each_top_insight_counts_once_per_reader(story, bob):
    insight_add(story=story, reader=bob, kind="eye_opening")
    insight_add(story=story, reader=bob, kind="eye_opening")
    insight_add(story=story, reader=bob, kind="heartfelt")
    assert counts(story) == (0, 2, 2)
    insight_remove(story=story, reader=bob, kind="eye_opening")
    insight_remove(story=story, reader=bob, kind="eye_opening")
    assert counts(story) == (0, 1, 1)


def test_unknown_labels_are_refused(story, bob):
    with pytest.raises(ValidationError):
        rating_set(story=story, reader=bob, value="meh")
    with pytest.raises(ValidationError):
        insight_add(story=story, reader=bob, kind="clickbait")
    assert counts(story) == (0, 0, 0)


@pytest.mark.parametrize("who", ["alice", "mallory"])
def test_the_author_and_suspended_accounts_cannot_give_insights(request, story, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        insight_add(story=story, reader=user, kind="eye_opening")
    with pytest.raises(PermissionDenied):
        rating_set(story=story, reader=user, value="outstanding")
    assert counts(story) == (0, 0, 0)


def test_the_author_hears_about_insights_in_one_grouped_notification(story, alice, bob, dave):
    insight_add(story=story, reader=bob, kind="eye_opening")
    rating_set(story=story, reader=bob, value="nice_work")
    insight_add(story=story, reader=dave, kind="heartfelt")
    notifications = Notification.objects.filter(recipient=alice, kind="insight")
    assert notifications.count() == 1
    assert (
        notifications.get().text
        == "Dave Outsider and 1 other shared insights on \u201cThe River Remembers\u201d"
    )


@pytest.mark.parametrize("action", ["add:eye_opening", "rate:outstanding"])
def test_a_reader_adds_insights_with_a_plain_post_and_comes_back_to_the_section(
    client, story, bob, action
):
    client.force_login(bob)
    response = client.post(url(story), {"action": action})
    assert response.status_code == 302
    assert response["Location"] == f"{story.get_absolute_url()}#story-insights"
    assert counts(story)[2] == 1


def test_htmx_gets_the_section_back_with_the_pressed_button(client, story, bob):
    client.force_login(bob)
    response = client.post(url(story), {"action": "add:eye_opening"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="insights" id="story-insights"')
    assert 'value="remove:eye_opening"' in html and 'aria-pressed="true"' in html
    assert "<html" not in html


def test_a_bad_action_shows_an_error_and_stores_nothing(client, story, bob):
    client.force_login(bob)
    response = client.post(url(story), {"action": "add:nonsense"})
    assert response.status_code == 400
    assert "Choose one of the top insights." in response.content.decode()
    assert counts(story) == (0, 0, 0)


def test_visitors_are_sent_to_sign_in_and_nothing_is_stored(client, story):
    response = client.post(url(story), {"action": "add:eye_opening"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert counts(story) == (0, 0, 0)


@pytest.mark.parametrize("who", ["alice", "mallory"])
def test_the_author_and_suspended_accounts_get_403(client, request, story, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(url(story), {"action": "add:eye_opening"})
    assert response.status_code == 403
    assert counts(story) == (0, 0, 0)


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected"])
def test_unpublished_stories_do_not_exist_for_insights(client, alice, bob, carol, status):
    story = make_story(alice, status=status)
    for user in (bob, carol):
        client.force_login(user)
        assert client.post(url(story), {"action": "add:eye_opening"}).status_code == 404
    assert counts(story) == (0, 0, 0)


def test_get_is_not_allowed(client, story, bob):
    client.force_login(bob)
    assert client.get(url(story)).status_code == 405


def test_the_story_page_shows_the_most_given_rating_and_insights_most_given_first(
    client, story, bob, dave, carol
):
    rating_set(story=story, reader=bob, value="nice_work")
    rating_set(story=story, reader=dave, value="nice_work")
    rating_set(story=story, reader=carol, value="outstanding")
    insight_add(story=story, reader=bob, kind="proofreading")
    insight_add(story=story, reader=dave, kind="heartfelt")
    insight_add(story=story, reader=carol, kind="heartfelt")
    html = client.get(story.get_absolute_url()).content.decode()
    assert "<strong>Nice Work</strong>" in html and "· 2 readers" in html
    assert html.index("Heartfelt and relatable") < html.index("Masterful proofreading")
    assert "Eye opening" not in html  # visitors see only what was given
    assert "Sign in to add your insights" in html


def test_the_author_sees_every_count_including_zeros(client, story, alice, bob):
    insight_add(story=story, reader=bob, kind="heartfelt")
    client.force_login(alice)
    html = client.get(story.get_absolute_url()).content.decode()
    assert "Only you see every count" in html
    for label in (
        "Good Effort",
        "Nice Work",
        "Outstanding",
        "Eye opening",
        "Masterful proofreading",
    ):
        assert label in html
    assert html.count('class="insight insight--zero"') == 8  # 3 ratings + 5 insights at zero
    assert "Add your insights" not in html


def test_a_suspended_reader_sees_why_there_is_no_panel(client, story, mallory):
    client.force_login(mallory)
    html = client.get(story.get_absolute_url()).content.decode()
    assert "Your account is suspended, so you cannot add insights." in html
    assert "Add your insights" not in html


def test_counters_survive_reader_deletion_paths_with_f_updates(story, bob):
    insight_add(story=story, reader=bob, kind="heartfelt")
    Story.objects.filter(pk=story.pk).update(insight_count=5)  # someone else's update meanwhile
    insight_remove(story=story, reader=bob, kind="heartfelt")
    story.refresh_from_db()
    assert story.insight_count == 4  # F() arithmetic in the database, not a stale overwrite
