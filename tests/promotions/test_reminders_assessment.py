"""The assessment reminder: the review's present supervisor, three days after the review
opened and every three days after, until the assessment is written or the review closes."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client

from mentorship.models import Notification
from promotions.services import assessment_write
from tests.factories import UserFactory
from tests.factories.worlds import build_review_world
from tests.outbox import run_worker

pytestmark = pytest.mark.django_db

OPENED = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
KIND = "promotions.reminder_assessment"


def day(n: float) -> datetime.datetime:
    return OPENED + datetime.timedelta(days=n)


def run(at: datetime.datetime, about: str = "Carol Chen") -> list:
    """Run the scheduled command and the worker at `at`: the assessment reminders about
    `about` sent then (the world's other review has a supervisor of its own)."""
    before = len(mail.outbox)
    with time_machine.travel(at, tick=False):
        call_command("send_reminders", stdout=io.StringIO())
        run_worker()
    return [m for m in mail.outbox[before:] if f"assessment of {about}" in m.subject]


@pytest.fixture
def world():
    with time_machine.travel(OPENED, tick=False):
        world = build_review_world()
        world.statement("shared", text="CANARY-shared-statement")
    return world


def test_the_supervisor_is_reminded_three_days_after_opening_and_every_three_days(world):
    assert run(day(2.9)) == []
    (first,) = run(day(3))
    assert first.to == [world.supervisor.email]
    assert first.subject == "Reminder: your assessment of Carol Chen is due"
    assert run(day(3.1)) == []
    assert run(day(5.9)) == []
    assert len(run(day(6))) == 1
    recipients = set(Notification.objects.filter(kind=KIND).values_list("recipient", flat=True))
    other_supervisor = world.other_panel_member.panel_seats.get().review.supervisor
    # The panel, the mentor and the candidate hear nothing.
    assert recipients == {world.supervisor.pk, other_supervisor.pk}


def test_nothing_of_the_input_and_the_link_opens_for_the_supervisor(world):
    (message,) = run(day(3))
    assert "CANARY" not in message.subject + message.body
    client = Client()
    client.force_login(world.supervisor)
    entry = Notification.objects.get(kind=KIND, recipient=world.supervisor)
    assert client.get(entry.link).status_code == 200


def test_it_stops_once_the_assessment_is_written(world):
    run(day(3))
    with time_machine.travel(day(4), tick=False):
        assessment_write(review_id=world.review.pk, supervisor=world.supervisor, text="Ready.")
    assert run(day(6)) == []


def test_it_stops_once_the_review_closes(world):
    run(day(3))
    with time_machine.travel(day(4), tick=False):
        world.close_review()
    assert run(day(6)) == []


def test_a_supervisor_replaced_hears_no_more(world):
    run(day(3))
    successor = UserFactory(username="sue", full_name="Sue Successor")
    with time_machine.travel(day(4), tick=False):
        world.review.supervisor = successor
        world.review.supervisor_assigned_by = world.program_admin
        world.review.save()
    (message,) = run(day(6))
    assert message.to == [successor.email]
