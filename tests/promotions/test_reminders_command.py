"""`manage.py send_reminders`, the one scheduled entry point: every reminder, one line each,
then the daily summaries and the stale emails; idempotent however often it runs, also against
a concurrent run; and its reads do not grow with the rows it finds."""

from __future__ import annotations

import datetime
import io
from unittest import mock

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentorship.models import Notification, ReminderSent
from mentorship.reminders import send_reminder
from promotions.models import PromotionReview
from promotions.reminders import ALL, CONSENT_AWAITING
from tests.factories import (
    AwaitingConsentStatementFactory,
    MeetingFactory,
    PairFactory,
    PanelSeatFactory,
    PublishedGuidelineFactory,
)
from tests.factories.worlds import answer_all, propose
from tests.outbox import run_worker

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
LATER = START + datetime.timedelta(days=40)


def a_bit_of_everything() -> None:
    """One of each reminder's objects, all due at LATER: a pair that never answered nor met, a
    pair with terms unsigned, and a review with input awaiting consent, no assessment and its
    decision date near."""
    with time_machine.travel(START, tick=False):
        silent = PairFactory(started_on=START.date())
        MeetingFactory(pair=silent, held_on=START.date())
        proposing = PairFactory(started_on=START.date())
        PublishedGuidelineFactory(program=proposing.program)
        answer_all(proposing, proposing.mentor)
        answer_all(proposing, proposing.mentee)
        propose(proposing)
        statement = AwaitingConsentStatementFactory(pair=proposing, submitted_at=START)
        # The decision is due two days after LATER, and the review has one panel member.
        PromotionReview.objects.filter(pk=statement.review_id).update(
            decision_date=(LATER + datetime.timedelta(days=2)).date()
        )
        PanelSeatFactory(review=statement.review)
        run_worker()  # the hand-offs above are delivered, not left stale


def run_command(at: datetime.datetime) -> str:
    out = io.StringIO()
    with time_machine.travel(at, tick=False):
        call_command("send_reminders", stdout=out)
        run_worker()
    return out.getvalue()


def test_one_line_per_reminder_then_summaries_and_stale_emails():
    a_bit_of_everything()
    lines = run_command(LATER).splitlines()
    assert lines == [
        "mentorship.reminder_meetings_overdue: 4 sent",
        "agreements.reminder_questionnaire: 2 sent",
        "agreements.reminder_terms: 2 sent",
        "promotions.reminder_consent: 1 sent",
        "promotions.reminder_assessment: 1 sent",
        "promotions.reminder_review_closing: 1 sent",
        "daily summaries: 0 sent",
        "stale emails: 0 queued again",
    ]
    assert len(ALL) == 6


def test_running_again_the_same_hour_or_day_sends_nothing():
    a_bit_of_everything()
    run_command(LATER)
    count = Notification.objects.count()
    for hours in (0, 1, 5, 23):
        output = run_command(LATER + datetime.timedelta(hours=hours))
        kinds = {reminder.kind for reminder in ALL}
        for line in output.splitlines():
            if line.split(":")[0] in kinds:
                assert line.endswith(": 0 sent")
    assert Notification.objects.count() == count
    assert ReminderSent.objects.count() == 11


def test_a_concurrent_run_that_sent_first_wins_and_nothing_is_sent_twice():
    with time_machine.travel(START, tick=False):
        statement = AwaitingConsentStatementFactory(submitted_at=START)
    now = START + datetime.timedelta(days=2)
    # The other run inserted its row after this run read what was already sent.
    ReminderSent.objects.create(
        recipient=statement.pair.mentee,
        kind=CONSENT_AWAITING.kind,
        target=f"review:{statement.review_id}",
        period_start=now,
        sent_at=now,
    )
    with mock.patch.object(
        ReminderSent.objects, "filter", return_value=ReminderSent.objects.none()
    ):
        assert send_reminder(CONSENT_AWAITING, now=now) == 0
    assert not Notification.objects.filter(kind=CONSENT_AWAITING.kind).exists()


def reads(reminder, now) -> int:
    with CaptureQueriesContext(connection) as queries:
        list(reminder.find(now))
    return len(queries)


@pytest.mark.parametrize("reminder", ALL, ids=lambda reminder: reminder.kind)
def test_finding_what_is_due_costs_the_same_for_ten_times_the_rows(
    reminder, django_assert_max_num_queries
):
    a_bit_of_everything()
    once = reads(reminder, LATER)
    found_once = len(list(reminder.find(LATER)))
    assert found_once >= 1
    for _ in range(9):
        a_bit_of_everything()
    assert len(list(reminder.find(LATER))) == 10 * found_once
    with django_assert_max_num_queries(once):
        list(reminder.find(LATER))


def test_a_run_with_nothing_left_to_send_reads_the_same_for_ten_times_the_rows(
    django_assert_max_num_queries,
):
    a_bit_of_everything()
    run_command(LATER)
    with CaptureQueriesContext(connection) as queries, time_machine.travel(LATER, tick=False):
        call_command("send_reminders", stdout=io.StringIO())
    once = len(queries)
    for _ in range(9):
        a_bit_of_everything()
    run_command(LATER)
    with django_assert_max_num_queries(once), time_machine.travel(LATER, tick=False):
        call_command("send_reminders", stdout=io.StringIO())
