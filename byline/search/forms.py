from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from byline.search.backends import QUERY_MAX_LENGTH, clean_query


class SearchForm(forms.Form):
    """The search box and its filters. Filters name things by slug/handle, as in URLs."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=QUERY_MAX_LENGTH,
        error_messages={"max_length": "Search for at most %(limit_value)d characters."},
    )
    community = forms.SlugField(required=False, max_length=80)
    tag = forms.SlugField(required=False, max_length=50)
    creator = forms.CharField(required=False, max_length=31, label="Creator handle")
    since = forms.DateField(required=False, label="From", widget=forms.DateInput({"type": "date"}))
    until = forms.DateField(required=False, label="To", widget=forms.DateInput({"type": "date"}))

    def clean_q(self) -> str:
        return clean_query(self.cleaned_data["q"])

    def clean_creator(self) -> str:
        return self.cleaned_data["creator"].strip().lstrip("@").lower()

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date must be on or after the start date.")
        return data

    def date_bounds(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """[since 00:00, day after `until` 00:00) in the site's time zone."""
        tz = timezone.get_current_timezone()
        since, until = self.cleaned_data.get("since"), self.cleaned_data.get("until")
        start = dt.datetime.combine(since, dt.time.min, tzinfo=tz) if since else None
        end = None
        if until and until < dt.date.max:  # the last representable day means "no end"
            end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return start, end
