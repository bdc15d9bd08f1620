"""The one definition of "overdue on meetings" in SQL (selectors.meetings_overdue, which the
program dashboard counts and lists) agrees with the one in Python (meetings_overdue_from, which
the reminders and My mentoring ask), for every cadence, on both sides of the boundary."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from mentorship.models import Meeting, Pair
from mentorship.selectors import (
    last_held_meeting,
    meetings_overdue,
    meetings_overdue_from,
    with_last_held,
)
from tests.factories import MeetingFactory, PairFactory

pytestmark = pytest.mark.django_db


def test_sql_and_python_agree_on_every_cadence_and_boundary():
    today = timezone.localdate()
    for cadence in Pair.Cadence.values:
        limit = 2 * cadence + 1
        for days_ago in (limit - 1, limit, limit + 1):
            # Counted from the start date, before the first meeting...
            PairFactory(cadence_days=cadence, started_on=today - datetime.timedelta(days=days_ago))
            # ...and from the last held meeting, a missed one after it changing nothing.
            pair = PairFactory(
                cadence_days=cadence, started_on=today - datetime.timedelta(days=400)
            )
            MeetingFactory(pair=pair, held_on=today - datetime.timedelta(days=days_ago))
            MeetingFactory(
                pair=pair,
                held_on=today - datetime.timedelta(days=1),
                status=Meeting.Status.MISSED,
            )
    in_python = {
        pair.pk
        for pair in with_last_held(Pair.objects.all())
        if today >= meetings_overdue_from(pair)
    }
    in_sql = set(
        Pair.objects.annotate(last_held=last_held_meeting())
        .filter(meetings_overdue(today))
        .values_list("pk", flat=True)
    )
    assert in_sql == in_python
    assert len(in_sql) == 2 * 2 * len(Pair.Cadence.values)  # limit and limit + 1 days ago
