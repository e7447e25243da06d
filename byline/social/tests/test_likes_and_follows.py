import pytest
from django.core.exceptions import PermissionDenied

from byline.conftest import make_story, make_user
from byline.social.models import Follow, Like, Notification
from byline.social.services import follow_community, follow_creator, like_add, like_remove

pytestmark = pytest.mark.django_db


def like_count(story) -> int:
    story.refresh_from_db()
    return story.like_count


def test_a_reader_likes_and_unlikes_a_story_and_the_count_follows(client, story, bob):
    client.force_login(bob)
    assert client.post(f"/stories/{story.pk}/like/", {"like": "on"}).status_code == 302
    assert client.post(f"/stories/{story.pk}/like/", {"like": "on"}).status_code == 302
    assert like_count(story) == 1 == Like.objects.count()
    response = client.post(f"/stories/{story.pk}/like/", {"like": "off"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="story-like"' in html and '<span class="like__count">0</span>' in html
    assert like_count(story) == 0


def test_the_story_page_shows_the_heart_with_its_count(client, story, bob, dave):
    like_add(story=story, user=bob)
    like_add(story=story, user=dave)
    html = client.get(story.get_absolute_url()).content.decode()
    assert '<span class="like__count">2</span>' in html and "Sign in to like" in html
    client.force_login(bob)
    html = client.get(story.get_absolute_url()).content.decode()
    assert (
        '<button type="submit" class="like__button like__button--on" aria-pressed="true">' in html
    )


def test_likes_are_grouped_into_one_notification_per_story(story, alice, bob, dave, carol):
    for reader in (bob, dave, carol):
        like_add(story=story, user=reader)
    like_remove(story=story, user=dave)
    like_add(story=story, user=dave)
    [notification] = Notification.objects.filter(recipient=alice, kind="like")
    assert notification.text == "Dave Outsider and 2 others liked \u201cThe River Remembers\u201d"


def test_a_read_group_starts_a_new_row(story, alice, bob, dave):
    like_add(story=story, user=bob)
    Notification.objects.update(read_at="2026-01-01T00:00:00Z")
    like_add(story=story, user=dave)
    assert Notification.objects.filter(recipient=alice, kind="like").count() == 2


def test_visitors_are_sent_to_sign_in(client, story):
    response = client.post(f"/stories/{story.pk}/like/", {"like": "on"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert like_count(story) == 0


@pytest.mark.parametrize("who", ["alice", "mallory"])
def test_the_author_and_suspended_accounts_cannot_like(client, request, story, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(f"/stories/{story.pk}/like/", {"like": "on"}).status_code == 403
    assert like_count(story) == 0


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected"])
def test_unpublished_stories_cannot_be_liked(client, alice, bob, status):
    story = make_story(alice, status=status)
    client.force_login(bob)
    assert client.post(f"/stories/{story.pk}/like/", {"like": "on"}).status_code == 404
    assert not Like.objects.exists()


# --- Follows ----------------------------------------------------------------------------------


def test_following_a_creator_from_the_profile_without_javascript(client, alice, bob):
    client.force_login(bob)
    response = client.post("/@alice/follow/", {"follow": "on", "next": "/@alice"})
    assert response.status_code == 302 and response["Location"] == "/@alice"
    assert Follow.objects.filter(follower=bob, creator=alice).exists()
    html = client.get("/@alice").content.decode()
    assert "<strong>1</strong> follower</a>" in html and ">Following<" in html
    assert Notification.objects.get(recipient=alice, kind="follow").text == (
        "Bob Reader started following you"
    )
    client.post("/@alice/follow/", {"follow": "off"})
    assert not Follow.objects.exists()


def test_follow_redirects_only_to_this_site(client, alice, bob):
    client.force_login(bob)
    response = client.post("/@alice/follow/", {"follow": "on", "next": "https://evil.example/"})
    assert response["Location"] == "/@alice"


def test_following_a_community_with_htmx(client, community, bob):
    client.force_login(bob)
    response = client.post("/c/earth/follow/", {"follow": "on"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and ">Following<" in response.content.decode()
    assert Follow.objects.filter(follower=bob, community=community).exists()
    assert ">Following<" in client.get("/c/earth/").content.decode()


def test_nobody_follows_themselves(client, alice):
    client.force_login(alice)
    assert client.post("/@alice/follow/", {"follow": "on"}).status_code == 403
    assert not Follow.objects.exists()
    assert "Sign in to follow" not in client.get("/@alice").content.decode()


def test_suspended_accounts_cannot_follow(client, alice, community, mallory):
    client.force_login(mallory)
    assert client.post("/@alice/follow/", {"follow": "on"}).status_code == 403
    assert client.post("/c/earth/follow/", {"follow": "on"}).status_code == 403
    assert not Follow.objects.exists()


def test_visitors_are_sent_to_sign_in_to_follow(client, alice, community):
    for path in ("/@alice/follow/", "/c/earth/follow/"):
        response = client.post(path, {"follow": "on"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Follow.objects.exists()
    assert "Sign in to follow" in client.get("/@alice").content.decode()


def test_follower_and_following_lists_are_paginated(client, alice, community, settings):
    settings.PAGE_SIZE = 2  # lists show PAGE_SIZE * 2 people
    for n in range(5):
        follow_creator(follower=make_user(f"fan{n}"), creator=alice)
    follow_community(follower=alice, community=community)
    first = client.get("/@alice/followers/").content.decode()
    assert "5 followers" in first and first.count('class="person"') == 4
    assert 'rel="next"' in first
    assert "Earth" in client.get("/@alice/following/").content.decode()
    assert client.get("/@nobody/followers/").status_code == 404


def test_follower_list_query_count_is_flat(client, alice, django_assert_max_num_queries):
    for n in range(12):
        follow_creator(follower=make_user(f"fan{n}"), creator=alice)
    with django_assert_max_num_queries(6):
        client.get("/@alice/followers/")


def test_follow_service_refuses_self_follow(alice):
    with pytest.raises(PermissionDenied):
        follow_creator(follower=alice, creator=alice)


# --- The Following timeline -------------------------------------------------------------------


def test_following_shows_followed_creators_and_communities_newest_first(
    client, alice, bob, dave, community
):
    client.force_login(bob)
    html = client.get("/following/").content.decode()
    assert "Nothing here yet" in html and "Who to follow" in html
    assert "Alice Archer" not in html  # only people who have published are suggested
    old = make_story(alice, title="Alice old")
    make_story(dave, title="Dave not followed")
    in_community = make_story(dave, title="Dave in Earth", community=community)
    new = make_story(alice, title="Alice new")
    html = client.get("/following/").content.decode()
    assert "Who to follow" in html and "Alice Archer" in html
    follow_creator(follower=bob, creator=alice)
    html = client.get("/following/").content.decode()  # creators only: another query plan
    assert html.index(new.title) < html.index(old.title) and "Dave" not in html
    follow_community(follower=bob, community=community)
    html = client.get("/following/").content.decode()
    assert html.index(new.title) < html.index(in_community.title) < html.index(old.title)
    assert "Dave not followed" not in html
    make_story(alice, title="Alice draft", status="draft")
    assert "Alice draft" not in client.get("/following/").content.decode()


def test_following_needs_sign_in(client):
    response = client.get("/following/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_following_query_count_is_flat(client, alice, bob, django_assert_max_num_queries):
    follow_creator(follower=bob, creator=alice)
    for n in range(8):
        make_story(alice, title=f"Story {n}", tags=["A", "B"])
    client.force_login(bob)
    with django_assert_max_num_queries(9):  # the followed ids are read first
        client.get("/following/")


def test_following_again_does_not_flood_the_bell(alice, bob):
    from byline.social.services import unfollow_creator

    for _ in range(3):
        follow_creator(follower=bob, creator=alice)
        unfollow_creator(follower=bob, creator=alice)
    assert Notification.objects.filter(recipient=alice, kind="follow").count() == 1


def test_the_home_tabs_lead_to_the_following_timeline_and_back(client, bob):
    assert 'href="/following/"' not in client.get("/").content.decode()  # visitors follow no one
    client.force_login(bob)
    assert 'href="/following/"' in client.get("/").content.decode()
    html = client.get("/following/").content.decode()
    assert 'href="/following/" aria-current="page"' in html
    assert 'href="/">For everyone</a>' in html


def test_following_and_unfollowing_a_creator_with_htmx(client, alice, bob):
    client.force_login(bob)
    response = client.post("/@alice/follow/", {"follow": "on"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and ">Following<" in response.content.decode()
    assert Follow.objects.filter(follower=bob, creator=alice).exists()
    response = client.post("/@alice/follow/", {"follow": "off"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and ">Following<" not in response.content.decode()
    assert not Follow.objects.filter(follower=bob).exists()


@pytest.mark.parametrize("url", ["/@nobody_here/follow/", "/c/nowhere/follow/"])
def test_following_something_that_does_not_exist_is_404_and_stores_nothing(client, bob, url):
    client.force_login(bob)
    assert client.post(url, {"follow": "on"}).status_code == 404
    assert not Follow.objects.exists()
