"""The creator's stats dashboard: daily rollups written by the flush, and the page that reads
them (totals, the chart with its numbers, the table of stories), for its owner only."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from byline.conftest import make_story
from byline.stats import buffer as view_buffer
from byline.stats.charts import _nice_ceiling, bar_chart
from byline.stats.models import StoryDay
from byline.stats.selectors import STORIES_PER_PAGE
from byline.stats.services import view_counts_flush, view_record

pytestmark = pytest.mark.django_db
URL = "/me/stats/"


@pytest.fixture(autouse=True)
def _empty_buffers(empty_stats_buffers):
    """Every stats counter starts and ends empty (byline/conftest.py)."""


def _views(story, n):
    for _ in range(n):
        view_record(story_id=story.pk)


def test_the_flush_adds_views_to_the_story_s_row_for_today(story):
    _views(story, 3)
    view_counts_flush()
    _views(story, 2)
    view_counts_flush()
    row = StoryDay.objects.get(story=story)
    assert (row.day, row.views) == (timezone.localdate(), 5)
    story.refresh_from_db()
    assert story.view_count == 5


def test_views_of_a_story_deleted_before_the_flush_are_dropped_and_the_rest_kept(alice):
    kept, gone = make_story(alice), make_story(alice)
    _views(kept, 2)
    _views(gone, 4)
    gone.delete()
    view_counts_flush()
    assert list(StoryDay.objects.values_list("story_id", "views")) == [(kept.pk, 2)]
    assert view_buffer.buffer.pending() == 0


def test_signing_in_is_needed(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_creator_without_published_stories_sees_how_stats_begin(client, alice):
    make_story(alice, status="draft", title="Not yet")
    client.force_login(alice)
    html = client.get(URL).content.decode()
    assert "Your stats start with your first published story" in html
    assert "Not yet" not in html


def test_the_creator_sees_their_stories_views_and_answers(client, alice, bob):
    river = make_story(alice, title="The River")
    make_story(bob, title="Bob's Secret Story")
    StoryDay.objects.create(story=river, day=timezone.localdate(), views=7)
    river.view_count = 9
    river.save(update_fields=["view_count"])
    client.force_login(alice)
    html = client.get(URL).content.decode()
    assert "The River" in html
    assert "Bob&#x27;s Secret Story" not in html and "Bob's Secret Story" not in html
    totals = dict(re.findall(r'totals__item"><dt>([^<]+)</dt><dd>([^<]+)</dd>', html))
    assert totals["Views, 30 days"] == "7"
    assert totals["Views, all time"] == "9"
    # The chart's numbers are on the page as a table too.
    assert f"<td>{timezone.localdate():%-d %b}</td><td>7</td>" in html


def test_nobody_sees_another_creator_s_numbers(client, alice, bob):
    river = make_story(alice, title="The River")
    StoryDay.objects.create(story=river, day=timezone.localdate(), views=1234)
    client.force_login(bob)
    html = client.get(URL).content.decode()
    assert "The River" not in html
    assert "1,234" not in html and "1234" not in html


def test_the_period_decides_which_days_count(client, alice):
    story = make_story(alice)
    today = timezone.localdate()
    StoryDay.objects.create(story=story, day=today, views=1)
    StoryDay.objects.create(story=story, day=today - dt.timedelta(days=40), views=10)
    client.force_login(alice)

    def views(period):
        html = client.get(URL, {"period": period}).content.decode()
        return re.search(r'totals__item"><dt>Views[^<]*</dt><dd>([^<]+)</dd>', html).group(1)

    assert views("7") == "1"
    assert views("30") == "1"
    assert views("90") == "11"


@pytest.mark.parametrize(
    "query",
    [
        {"period": "forever"},
        {"sort": "title; DROP TABLE"},
        {"after": "not-a-cursor"},
        {"after": "bjEwfDk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ"},
    ],
)
def test_odd_parameters_show_the_default_view(client, alice, query):
    make_story(alice, title="The River")
    client.force_login(alice)
    response = client.get(URL, query)
    assert response.status_code == 200
    assert "The River" in response.content.decode()


def test_the_table_pages_through_every_story_once(client, alice):
    stories = [make_story(alice, title=f"Tale {n:03d}") for n in range(STORIES_PER_PAGE + 5)]
    for n, story in enumerate(stories):
        story.view_count = n % 7  # ties, so the page break falls inside equal counts
        story.save(update_fields=["view_count"])
    client.force_login(alice)
    seen, query = [], {"sort": "views"}
    for _ in range(5):
        html = client.get(URL, query).content.decode()
        seen += re.findall(r">(Tale \d{3})</a>", html)
        found = re.search(r'rel="next" href="\?[^"]*after=([^"&]+)"', html)
        if not found:
            break
        query = {"sort": "views", "after": found.group(1)}
    assert sorted(seen) == sorted(story.title for story in stories)


def test_the_chart_axis_uses_round_numbers_and_bars_fit():
    assert [_nice_ceiling(v) for v in (0, 1, 3, 7, 10, 11, 49, 51, 999)] == [
        1,
        1,
        5,
        10,
        10,
        20,
        50,
        100,
        1000,
    ]
    chart = bar_chart([("1 Dec", 0), ("2 Dec", 5), ("3 Dec", 10)])
    assert chart.total == 15
    assert [tick.value for tick in chart.ticks] == [0, 5, 10]
    tallest = max(chart.bars, key=lambda bar: bar.height)
    assert tallest.value == 10 and tallest.y >= 0
    assert all(bar.x + bar.width <= chart.width for bar in chart.bars)
    assert chart.bars[0].height == 0
    # An axis up to 1 or 5 has no middle line: it would not be a whole number.
    assert [tick.value for tick in bar_chart([("1 Dec", 1)]).ticks] == [0, 1]
    assert [tick.value for tick in bar_chart([("1 Dec", 4)]).ticks] == [0, 5]


def test_the_way_to_stats_is_in_the_menu_my_stories_the_editor_and_the_story(client, alice, bob):
    story = make_story(alice)
    client.force_login(alice)
    html = client.get("/me/stories/").content.decode()
    assert html.count(f'href="{URL}"') == 2  # the account menu and the page itself
    for page in (f"/write/{story.pk}/", story.get_absolute_url()):
        html = client.get(page).content.decode()
        assert f'href="{URL}"' in html, page  # the account menu
        assert f'href="{URL}{story.pk}/"' in html, page  # this story's own stats
    client.force_login(bob)
    html = client.get(story.get_absolute_url()).content.decode()
    assert f'href="{URL}{story.pk}/"' not in html


def test_a_story_s_page_shows_its_views_reads_and_answers(client, story, alice, bob):
    from byline.insights.models import Insight, Rating

    StoryDay.objects.create(story=story, day=timezone.localdate(), views=10, reads=4)
    Insight.objects.create(story=story, reader=bob, kind="eye_opening")
    Rating.objects.create(story=story, reader=bob, value="nice_work")
    client.force_login(alice)
    html = client.get(f"{URL}{story.pk}/").content.decode()
    totals = dict(re.findall(r'totals__item"><dt>([^<]+)</dt><dd>([^<]+)</dd>', html))
    assert (totals["Views, 30 days"], totals["Reads, 30 days"], totals["Read ratio"]) == (
        "10",
        "4",
        "40 %",
    )
    assert '<th scope="row">Nice Work</th><td class="num">1</td>' in html
    today = f"{timezone.localdate():%-d %b}"
    assert f"<td>{today}</td><td>2</td></tr>" in html  # an insight and a rating today


@pytest.mark.parametrize("who", ["anonymous", "bob", "carol", "dave", "mallory"])
def test_nobody_else_sees_a_story_s_stats(client, story, bob, carol, dave, mallory, who):
    """The whole cast: a reader, a moderator, an outsider and a suspended account."""
    url = f"{URL}{story.pk}/"
    StoryDay.objects.create(story=story, day=timezone.localdate(), views=4321)
    if who == "anonymous":
        assert client.get(url).status_code == 302
        assert client.get(f"{URL}export.csv").status_code == 302
        return
    client.force_login({"bob": bob, "carol": carol, "dave": dave, "mallory": mallory}[who])
    assert client.get(url).status_code == 404
    csv_text = b"".join(client.get(f"{URL}export.csv", {"period": "all"}).streaming_content)
    assert b"4321" not in csv_text
    assert client.get(f"{URL}999999/").status_code == 404  # the same answer as a missing one


def test_a_draft_never_published_has_no_stats_page(client, alice):
    draft = make_story(alice, status="draft")
    client.force_login(alice)
    assert client.get(f"{URL}{draft.pk}/").status_code == 404


def test_the_csv_has_the_page_s_numbers_and_only_the_creator_s_stories(client, alice, bob):
    import csv
    import io

    river = make_story(alice, title='=HYPERLINK("http://evil.example")')
    other = make_story(bob, title="Bob's")
    today = timezone.localdate()
    StoryDay.objects.create(story=river, day=today, views=7, reads=3)
    StoryDay.objects.create(story=river, day=today - dt.timedelta(days=100), views=1, reads=0)
    StoryDay.objects.create(story=other, day=today, views=50, reads=5)
    client.force_login(alice)
    response = client.get(f"{URL}export.csv", {"period": "30"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["date", "story_id", "title", "url", "views", "reads"]
    assert rows[1:] == [
        [
            today.isoformat(),
            str(river.pk),
            '\'=HYPERLINK("http://evil.example")',  # shown as text, never run as a formula
            f"{settings_site_url()}{river.get_absolute_url()}",
            "7",
            "3",
        ]
    ]
    every = client.get(f"{URL}export.csv", {"period": "all"})
    assert len(list(csv.reader(io.StringIO(b"".join(every.streaming_content).decode())))) == 3


def settings_site_url():
    from django.conf import settings

    return settings.SITE_URL


def test_the_csv_needs_signing_in(client):
    assert client.get(f"{URL}export.csv").status_code == 302


def test_moderators_see_the_whole_site_and_creators_do_not(client, alice, bob, carol):
    river = make_story(alice)
    other = make_story(bob)
    StoryDay.objects.create(story=river, day=timezone.localdate(), views=5, reads=1)
    StoryDay.objects.create(story=other, day=timezone.localdate(), views=15, reads=3)
    client.force_login(carol)
    html = client.get(URL).content.decode()
    totals = dict(re.findall(r'totals__item"><dt>([^<]+)</dt><dd>([^<]+)</dd>', html))
    assert (totals["Site views"], totals["Site reads"], totals["Site read ratio"]) == (
        "20",
        "4",
        "20 %",
    )
    client.force_login(alice)
    assert "Site views" not in client.get(URL).content.decode()


def test_what_readers_gave_in_the_period(client, alice, bob, dave):
    from byline.comments.models import Comment
    from byline.social.models import Follow, Like

    story = make_story(alice)
    long_ago = timezone.now() - dt.timedelta(days=60)
    Comment.objects.create(story=story, author=bob, body="Lovely", body_html="<p>Lovely</p>")
    Comment.objects.create(story=story, author=alice, body="Thanks", body_html="<p>Thanks</p>")
    Comment.objects.create(
        story=story, author=dave, body="Old", body_html="<p>Old</p>", created_at=long_ago
    )
    Like.objects.create(story=story, user=bob)
    Like.objects.create(story=story, user=dave, created_at=long_ago)
    Follow.objects.create(follower=bob, creator=alice)
    client.force_login(alice)

    def gained(period):
        html = client.get(URL, {"period": period}).content.decode()
        return dict(re.findall(r'totals__item"><dt>([^<]+)</dt><dd>([^<]+)</dd>', html))

    recent = gained("30")
    assert (recent["New comments"], recent["New likes"], recent["New followers"]) == (
        "1",
        "1",
        "1",
    )
    every = gained("all")
    assert (every["Comments"], every["Likes"], every["Followers"]) == ("2", "2", "1")
