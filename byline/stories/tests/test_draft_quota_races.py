"""The new-account draft quota holds when the drafts are started at the same moment."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from byline.conftest import make_user, run_together
from byline.stories.models import Story
from byline.stories.services import story_create

pytestmark = pytest.mark.usefixtures("concurrent_db")


def test_simultaneous_drafts_of_a_new_account_stop_at_the_quota(settings):
    settings.NEW_ACCOUNT_DAYS = 7
    settings.NEW_ACCOUNT_DRAFTS_PER_HOUR = 3
    newcomer = make_user("newcomer", date_joined=timezone.now() - dt.timedelta(hours=2))

    def start(n: int):
        def run() -> bool:
            try:
                story_create(author=newcomer, title=f"Draft {n}")
            except ValidationError:
                return False
            return True

        return run

    results = run_together(*[start(n) for n in range(12)])
    assert sorted(results) == [False] * 9 + [True] * 3
    assert Story.objects.filter(author=newcomer).count() == 3
