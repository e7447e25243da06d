"""The caller's stats through the API: the dashboard's numbers, the caller's stories only."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from byline.stats.models import StoryDay

pytestmark = pytest.mark.django_db


def test_the_api_and_the_dashboard_say_the_same(api, tokens, story, client, alice):
    StoryDay.objects.create(story=story, day=timezone.localdate(), views=12, reads=3)
    body = api.get("/me/stats?period=7", token=tokens["alice"]).json()
    assert body["period"] == "7"
    assert body["totals"]["views"] == 12
    assert body["totals"]["reads"] == 3
    assert body["totals"]["read_ratio"] == 25
    assert len(body["days"]) == 7
    assert body["days"][-1] == {"date": timezone.localdate().isoformat(), "views": 12, "reads": 3}
    [row] = body["stories"]
    assert (row["id"], row["views"], row["reads"]) == (story.pk, 12, 3)
    assert row["url"].endswith(story.get_absolute_url())

    client.force_login(alice)
    html = client.get("/me/stats/", {"period": "7"}).content.decode()
    totals = dict(re.findall(r'totals__item"><dt>([^<]+)</dt><dd>([^<]+)</dd>', html))
    assert totals["Views, 7 days"] == str(body["totals"]["views"])
    assert totals["Reads, 7 days"] == str(body["totals"]["reads"])

    detail = api.get(f"/me/stats/{story.pk}?period=30", token=tokens["alice"]).json()
    assert detail["story"]["views"] == 12
    assert len(detail["days"]) == 30


@pytest.mark.parametrize("who", ["bob", "carol"])
def test_nobody_reads_another_creator_s_stats(api, tokens, story, who):
    StoryDay.objects.create(story=story, day=timezone.localdate(), views=99)
    body = api.get("/me/stats", token=tokens[who]).json()
    assert body["stories"] == []
    assert body["totals"]["views"] == 0
    assert api.get(f"/me/stats/{story.pk}", token=tokens[who]).status_code == 404


def test_stats_need_a_caller(api, story):
    assert api.get("/me/stats").status_code == 401
    assert api.get(f"/me/stats/{story.pk}").status_code == 401


@pytest.mark.parametrize("query", ["?period=365", "?sort=title", "?cursor=" + "x" * 200])
def test_odd_parameters_are_refused_with_a_message(api, tokens, query):
    response = api.get(f"/me/stats{query}", token=tokens["alice"])
    assert response.status_code == 422
    assert response.json()["detail"]
