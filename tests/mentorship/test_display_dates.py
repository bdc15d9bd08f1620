"""mentorship.display formats dates exactly as the template `date` filter it replaces."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import timezone

from mentorship import display

pytestmark = pytest.mark.any_database

MOMENTS = [
    datetime.datetime(2026, 1, 1, 0, 5, tzinfo=datetime.UTC),
    datetime.datetime(2026, 3, 8, 6, 59, tzinfo=datetime.UTC),  # New York's DST change
    datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC),  # next year in Kolkata
    datetime.datetime(2026, 7, 4, 9, 7),  # naive
]


def date_filter(value, format_string: str) -> str:
    """What a template prints: the filter after the template's conversion to local time."""
    return Template(f'{{{{ value|date:"{format_string}" }}}}').render(Context({"value": value}))


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kolkata", "Pacific/Auckland"])
@pytest.mark.parametrize("moment", MOMENTS)
def test_day_and_moment_are_the_date_filter(zone, moment):
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        assert display.day(moment) == date_filter(moment, "j F Y")
        assert display.moment(moment) == date_filter(moment, "j F Y, H:i")


def test_a_plain_date_and_nothing():
    assert display.day(datetime.date(2026, 5, 9)) == "9 May 2026"
    assert display.day(None) == ""
    assert display.moment(None) == ""
