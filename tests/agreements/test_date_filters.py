"""The agreement pages' date filters (long_date, long_datetime, exact_datetime) write exactly
what Django's `date` filter writes with the formats they replace, in any time zone."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.template import engines
from django.utils import timezone

FORMATS = {
    "long_date": "j F Y",
    "long_datetime": "j F Y, H:i T",
    "exact_datetime": "Y-m-d H:i:s T",
}
ZONES = ["UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kolkata", "Pacific/Chatham"]
MOMENTS = [
    datetime.datetime(2026, 1, 5, 23, 59, 59, tzinfo=datetime.UTC),
    datetime.datetime(2026, 3, 29, 1, 30, 0, tzinfo=datetime.UTC),  # Berlin's DST change
    datetime.datetime(2026, 7, 1, 9, 5, 2, tzinfo=datetime.UTC),
    datetime.datetime(999, 12, 31, 12, 0, 0, tzinfo=datetime.UTC),
]


def render(source: str, value) -> str:
    return engines["django"].from_string("{% load agreements_tags %}" + source).render({"v": value})


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("name", FORMATS)
def test_same_as_the_date_filter(name, zone):
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        for value in [*MOMENTS, datetime.date(2026, 2, 9), None, ""]:
            if (
                name != "long_date"
                and isinstance(value, datetime.date)
                and not isinstance(value, datetime.datetime)
            ):
                continue  # the pages give these formats datetimes only
            expected = render(f'{{{{ v|date:"{FORMATS[name]}" }}}}', value)
            assert render(f"{{{{ v|{name} }}}}", value) == expected, (name, zone, value)
