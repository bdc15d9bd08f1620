"""The terms reminder: a member of an active pair who has not signed proposed terms, two days
after they were proposed and every three days after, until they sign or the terms are no
longer open; never a term or an exception."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client

from agreements.services import proposal_withdraw
from mentorship.models import Notification
from tests.factories.worlds import answer_all, build_cast, propose, sign
from tests.outbox import run_worker

pytestmark = pytest.mark.django_db

PROPOSED = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
EXCEPTIONS = "CANARY-exception: the mentor may mention the burnout"
KIND = "agreements.reminder_terms"


def day(n: float) -> datetime.datetime:
    return PROPOSED + datetime.timedelta(days=n)


def run(at: datetime.datetime) -> list:
    before = len(mail.outbox)
    with time_machine.travel(at, tick=False):
        call_command("send_reminders", stdout=io.StringIO())
        run_worker()
    return [m for m in mail.outbox[before:] if "await your signature" in m.subject]


@pytest.fixture
def cast():
    with time_machine.travel(PROPOSED - datetime.timedelta(days=30), tick=False):
        cast = build_cast(with_review=False)
        answer_all(cast.pair, cast.mentor)
        answer_all(cast.pair, cast.mentee)
    with time_machine.travel(PROPOSED, tick=False):
        cast.agreement = propose(cast.pair, exceptions=EXCEPTIONS)
    return cast


def test_members_who_have_not_signed_are_reminded_after_two_days_then_every_three(cast):
    with time_machine.travel(day(1), tick=False):
        sign(cast.agreement, cast.mentor)
    assert run(day(1.9)) == []
    (first,) = run(day(2))
    assert first.to == [cast.mentee.email]
    assert "Maria Lopez" in first.subject
    assert run(day(2.2)) == []
    assert run(day(4.9)) == []
    assert len(run(day(5))) == 1


def test_nothing_of_the_terms_and_the_link_opens_for_the_member(cast):
    messages = run(day(2))
    assert len(messages) == 2  # neither has signed yet
    for message in messages:
        assert EXCEPTIONS not in message.subject + message.body
    client = Client()
    client.force_login(cast.mentee)
    entry = Notification.objects.get(kind=KIND, recipient=cast.mentee)
    assert EXCEPTIONS not in entry.body
    assert client.get(entry.link).status_code == 200


def test_it_stops_once_both_signed(cast):
    run(day(2))
    with time_machine.travel(day(3), tick=False):
        sign(cast.agreement, cast.mentor, cast.mentee)
    assert run(day(5)) == []


def test_it_stops_once_the_terms_are_withdrawn(cast):
    run(day(2))
    with time_machine.travel(day(3), tick=False):
        proposal_withdraw(agreement_id=cast.agreement.pk, by=cast.mentor)
    assert run(day(5)) == []
