"""The questionnaire reminder: each member of an active pair who has not submitted their
answers three days after the pair started, weekly, until they submit; never an answer or a
comment, and nothing to anyone once the pair is no longer active."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client

from mentorship.models import Notification, Pair
from tests.factories.worlds import answer_all, build_cast
from tests.outbox import run_worker

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 0, 0, tzinfo=datetime.UTC)  # the site's zone is UTC
COMMENT = "CANARY-comment: my manager must never hear of this"
KIND = "agreements.reminder_questionnaire"


def day(n: float) -> datetime.datetime:
    return START + datetime.timedelta(days=n)


def run(at: datetime.datetime) -> list:
    before = len(mail.outbox)
    with time_machine.travel(at, tick=False):
        call_command("send_reminders", stdout=io.StringIO())
        run_worker()
    return [
        m
        for m in mail.outbox[before:]
        if m.subject.startswith("Reminder: your confidentiality questionnaire")
    ]


@pytest.fixture
def cast():
    with time_machine.travel(START, tick=False):
        return build_cast(with_review=False, pair={"started_on": START.date()})


def test_both_members_are_reminded_three_days_after_the_start_then_weekly(cast):
    assert run(day(2.9)) == []
    first = run(day(3))
    assert sorted(m.to[0] for m in first) == sorted([cast.mentor.email, cast.mentee.email])
    assert run(day(3.5)) == []
    assert run(day(9.9)) == []
    assert len(run(day(10))) == 2


def test_whoever_submitted_hears_no_more_and_nothing_of_their_answers(cast):
    with time_machine.travel(day(1), tick=False):
        answer_all(cast.pair, cast.mentor, comment=COMMENT)
        answer_all(cast.pair, cast.mentee, comment=COMMENT, submit=False)  # saved, not sent
    messages = run(day(3))
    (message,) = messages
    assert message.to == [cast.mentee.email]
    assert "Maria Lopez" in message.body
    for entry in Notification.objects.filter(kind=KIND):
        assert COMMENT not in entry.subject + entry.body
    assert COMMENT not in message.subject + message.body

    with time_machine.travel(day(4), tick=False):
        answer_all(cast.pair, cast.mentee, comment=COMMENT)
    assert run(day(10)) == []


def test_the_link_opens_the_questionnaire_for_the_member(cast):
    run(day(3))
    client = Client()
    client.force_login(cast.mentee)
    entry = Notification.objects.get(kind=KIND, recipient=cast.mentee)
    assert client.get(entry.link).status_code == 200


def test_a_pair_no_longer_active_or_not_started_is_not_reminded(cast):
    with time_machine.travel(day(1), tick=False):
        cast.pair.status = Pair.Status.ENDED
        cast.pair.ended_on = day(1).date()
        cast.pair.save()
    assert run(day(3)) == []


def test_a_pair_that_started_later_waits_its_own_three_days(cast):
    cast.pair.started_on = day(5).date()
    Pair.objects.filter(pk=cast.pair.pk).update(started_on=day(5).date())
    assert run(day(7.9)) == []
    assert len(run(day(8))) == 2
