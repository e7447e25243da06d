import datetime as dt

import pytest

from byline.core.templatetags.byline import relative_time

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (dt.timedelta(seconds=10), "a few seconds ago"),
        (dt.timedelta(seconds=60), "a minute ago"),
        (dt.timedelta(minutes=12), "12 minutes ago"),
        (dt.timedelta(minutes=70), "an hour ago"),
        (dt.timedelta(hours=5), "5 hours ago"),
        (dt.timedelta(hours=30), "a day ago"),
        (dt.timedelta(days=4), "4 days ago"),
        (dt.timedelta(days=35), "a month ago"),
        (dt.timedelta(days=200), "7 months ago"),
        (dt.timedelta(days=400), "about a year ago"),
        (dt.timedelta(days=1100), "3 years ago"),
        (-dt.timedelta(hours=3), "in 3 hours"),
    ],
)
def test_it_says_how_long_ago_like_a_person(delta, text):
    assert relative_time(NOW - delta, now=NOW) == text
