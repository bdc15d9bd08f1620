"""The closing reminder: three days before a review's decision date, each panel member is
reminded once, while no outcome is recorded; it reads nothing of the mentors' input."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client

from mentorship.models import Notification
from promotions.models import PromotionReview
from promotions.services import review_change_status, review_record_outcome
from tests.factories.worlds import build_review_world
from tests.outbox import run_worker

pytestmark = pytest.mark.django_db

OPENED = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
DECISION = datetime.date(2026, 3, 20)
KIND = "promotions.reminder_review_closing"


def at_day(day: int, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, 0, tzinfo=datetime.UTC)


def run(at: datetime.datetime) -> list:
    before = len(mail.outbox)
    with time_machine.travel(at, tick=False):
        call_command("send_reminders", stdout=io.StringIO())
        run_worker()
    return [m for m in mail.outbox[before:] if "decision on" in m.subject]


def world_with(*input_states: str):
    with time_machine.travel(OPENED, tick=False):
        world = build_review_world()
        PromotionReview.objects.filter(pk=world.review.pk).update(decision_date=DECISION)
        for state in input_states:
            world.statement(state, text=f"CANARY-{state}-statement")
    return world


def test_each_panel_member_is_reminded_once_three_days_before_the_decision():
    world = world_with()
    assert run(at_day(16)) == []
    (message,) = run(at_day(17))
    assert message.to == [world.panel_member.email]
    assert message.subject == "Reminder: the decision on Carol Chen's review is due soon"
    assert "20 March 2026" in message.body
    assert run(at_day(18)) == []
    assert run(at_day(20)) == []
    assert run(at_day(21)) == []  # the date has passed: nothing more
    recipients = set(Notification.objects.filter(kind=KIND).values_list("recipient", flat=True))
    assert recipients == {world.panel_member.pk}  # not the mentor, candidate or supervisor
    client = Client()
    client.force_login(world.panel_member)
    entry = Notification.objects.get(kind=KIND)
    assert client.get(entry.link).status_code == 200


def test_no_reminder_once_the_outcome_is_recorded():
    world = world_with()
    with time_machine.travel(at_day(10), tick=False):
        review_change_status(
            review_id=world.review.pk,
            status=PromotionReview.Status.DECIDING,
            by=world.program_admin,
        )
        review_record_outcome(
            review_id=world.review.pk, member=world.panel_member, outcome="deferred"
        )
    assert run(at_day(17)) == []


def test_no_reminder_once_the_review_closed():
    world = world_with()
    world.review.refresh_from_db()
    with time_machine.travel(at_day(16), tick=False):
        world.close_review()
    assert run(at_day(18)) == []


@pytest.mark.parametrize(
    "input_states", [(), ("shared",), ("awaiting_consent", "declined"), ("draft", "withdrawn")]
)
def test_what_the_panel_receives_does_not_depend_on_input(input_states):
    world = world_with(*input_states)
    (message,) = run(at_day(17))
    entry = Notification.objects.get(kind=KIND)
    assert "CANARY" not in message.subject + message.body
    assert (message.subject, entry.subject, entry.link) == (
        "Reminder: the decision on Carol Chen's review is due soon",
        "Reminder: the decision on Carol Chen's review is due soon",
        world.review.get_absolute_url(),
    )
    assert message.body == mail.outbox[-1].body
    assert f"http://testserver{world.review.get_absolute_url()}" in message.body
