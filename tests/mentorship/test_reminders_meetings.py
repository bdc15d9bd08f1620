"""The meeting reminder: both members of an active pair that has not met for longer than the
dashboard allows (the one definition, mentorship.selectors.meetings_overdue_from: twice the
cadence), repeated once per the pair's cadence until a meeting is logged; never the notes."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client

from mentorship.models import Notification, Pair
from tests.factories import MeetingFactory, PairFactory, UserFactory
from tests.outbox import run_worker

pytestmark = pytest.mark.django_db

MET = datetime.date(2026, 3, 2)
NOTES = "CANARY-notes: talked about leaving the company"
KIND = "mentorship.reminder_meetings_overdue"


def day(n: float) -> datetime.datetime:
    return datetime.datetime.combine(MET, datetime.time(6), tzinfo=datetime.UTC) + (
        datetime.timedelta(days=n)
    )


def run(at: datetime.datetime) -> list:
    before = len(mail.outbox)
    with time_machine.travel(at, tick=False):
        call_command("send_reminders", stdout=io.StringIO())
        run_worker()
    return [m for m in mail.outbox[before:] if m.subject.startswith("Reminder: time to meet")]


@pytest.fixture
def pair():
    with time_machine.travel(day(-30), tick=False):
        pair = PairFactory(
            mentor=UserFactory(username="maria", full_name="Maria Lopez"),
            mentee=UserFactory(username="carol", full_name="Carol Chen"),
            cadence_days=Pair.Cadence.WEEKLY,
            started_on=MET - datetime.timedelta(days=30),
        )
        MeetingFactory(pair=pair, held_on=MET, notes=NOTES)
    return pair


def test_both_members_hear_once_the_dashboard_calls_it_overdue_then_once_per_cadence(pair):
    assert run(day(14)) == []  # twice the weekly cadence: not yet overdue
    first = run(day(15))
    assert sorted(m.to[0] for m in first) == ["carol@example.com", "maria@example.com"]
    assert run(day(16)) == []
    assert run(day(21.7)) == []  # periods start at midnight: the next one on day 22
    assert len(run(day(22))) == 2


def test_it_stops_once_a_meeting_is_logged_and_carries_no_notes(pair):
    for message in run(day(15)):
        assert NOTES not in message.subject + message.body
    with time_machine.travel(day(16), tick=False):
        MeetingFactory(pair=pair, held_on=day(16).date(), notes=NOTES)
    assert run(day(22)) == []
    assert run(day(30)) == []
    assert len(run(day(31))) == 2  # overdue again, two cadences after the new meeting


def test_a_missed_meeting_does_not_count_as_met(pair):
    with time_machine.travel(day(10), tick=False):
        MeetingFactory(pair=pair, held_on=day(10).date(), status="missed")
    assert len(run(day(15))) == 2


def test_an_ended_pair_hears_nothing_and_the_link_opens_for_a_member(pair):
    run(day(15))
    client = Client()
    client.force_login(pair.mentee)
    entry = Notification.objects.get(kind=KIND, recipient=pair.mentee)
    assert NOTES not in entry.body
    assert client.get(entry.link).status_code == 200
    with time_machine.travel(day(16), tick=False):
        pair.status = Pair.Status.ENDED
        pair.ended_on = day(16).date()
        pair.save()
    assert run(day(22)) == []


def test_the_dashboard_and_the_reminder_agree(pair, client):
    with time_machine.travel(day(14), tick=False):
        client.force_login(pair.mentor)
        assert "No meeting with" not in client.get("/").content.decode()
    with time_machine.travel(day(15), tick=False):
        client.force_login(pair.mentor)
        assert "No meeting with" in client.get("/").content.decode()
    assert len(run(day(15))) == 2
