"""A meeting is logged for a date within the pair's time: not before it started, not in the
future. Held meetings become the engagement facts a mentor may offer a promotion panel."""

from __future__ import annotations

import datetime
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from mentorship.models import Meeting
from mentorship.selectors import pair_engagement
from mentorship.services import meeting_record
from tests.factories import PairFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    return PairFactory(started_on=timezone.localdate() - datetime.timedelta(days=60))


def log(client, pair, held_on):
    client.force_login(pair.mentor)
    return client.post(
        reverse("mentorship:pair", args=[pair.pk]),
        {"held_on": held_on, "duration_minutes": 60, "status": "held", "notes": "We talked."},
    )


@pytest.mark.parametrize("held_on", ["1900-01-01", "0001-01-01"])
def test_a_meeting_before_the_pair_started_is_refused_with_what_was_typed(client, pair, held_on):
    response = log(client, pair, held_on)

    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert f"Your pair started on {pair.started_on:%d %B %Y}" in body
    assert "We talked." in body  # the notes are kept for the correction
    assert not pair.meetings.exists()
    assert pair_engagement(pair).held == 0


def test_the_day_the_pair_started_and_today_are_accepted(client, pair):
    assert log(client, pair, pair.started_on.isoformat()).status_code == HTTPStatus.FOUND
    assert log(client, pair, timezone.localdate().isoformat()).status_code == HTTPStatus.FOUND
    assert pair_engagement(pair).held == 2


def test_the_service_refuses_it_too(pair):
    with pytest.raises(ValidationError) as refused:
        meeting_record(
            pair=pair,
            by=pair.mentee,
            held_on=pair.started_on - datetime.timedelta(days=1),
            duration_minutes=30,
            status=Meeting.Status.HELD,
        )
    assert "held_on" in refused.value.message_dict
    assert not pair.meetings.exists()


def test_a_pair_without_a_start_date_takes_any_past_date(client):
    pair = PairFactory(started_on=None)
    assert log(client, pair, "2020-05-01").status_code == HTTPStatus.FOUND
