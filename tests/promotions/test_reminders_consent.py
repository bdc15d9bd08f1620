"""The consent reminder: the candidate hears, two days after input was sent for their consent
and every three days after, that it waits for their decision; never once they decided, asked
not to be asked, or the review closed; never a word of the statement, its kind or its author."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client

from mentorship.models import Notification
from promotions.models import PromotionReview, text_sha256
from promotions.services import consent_grant, consent_opt_out
from tests.factories.worlds import build_review_world
from tests.outbox import run_worker

pytestmark = pytest.mark.django_db

SENT = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
SECRET = "CANARY-consent-text: she once cried in a one-to-one"
KIND = "promotions.reminder_consent"


def day(n: float) -> datetime.datetime:
    return SENT + datetime.timedelta(days=n)


def run(at: datetime.datetime) -> list:
    """Run the scheduled command and the worker at `at`; the reminder emails sent then."""
    before = len(mail.outbox)
    with time_machine.travel(at, tick=False):
        call_command("send_reminders", stdout=io.StringIO())
        run_worker()
    return [m for m in mail.outbox[before:] if "waits for your decision" in m.subject]


@pytest.fixture
def world():
    with time_machine.travel(SENT, tick=False):
        world = build_review_world()
        world.statement("awaiting_consent", text=SECRET, submitted_at=SENT)
    return world


def test_the_candidate_is_reminded_after_two_days_and_every_three_days(world):
    assert run(day(1)) == []
    assert run(day(1.99)) == []
    (first,) = run(day(2))
    assert first.to == [world.mentee.email]
    assert run(day(2.5)) == []  # hourly or daily runs send nothing more in the period
    assert run(day(4.9)) == []
    (second,) = run(day(5))
    assert second.to == [world.mentee.email]
    # Only the candidate: not the mentor, the supervisor's other reminder aside, not the panel.
    reminded = set(Notification.objects.filter(kind=KIND).values_list("recipient", flat=True))
    assert reminded == {world.mentee.pk}


def test_the_reminder_names_the_review_and_nothing_of_the_input(world):
    (message,) = run(day(2))
    entry = Notification.objects.get(kind=KIND)
    for text in (message.subject, message.body, entry.subject, entry.body):
        assert SECRET not in text
        assert "advocacy" not in text.lower()
        assert str(world.mentor) not in text  # which mentor asked is on the page only
    assert "Team lead" in message.body
    assert entry.link == world.review.consent_url()


def test_the_link_opens_for_the_candidate(world):
    run(day(2))
    client = Client()
    client.force_login(world.mentee)
    link = Notification.objects.get(kind=KIND).link
    assert client.get(link).status_code == 200


def test_it_stops_once_the_candidate_decided(world):
    run(day(2))
    statement = world.review.statements.get()
    with time_machine.travel(day(3), tick=False):
        consent_grant(
            statement_id=statement.pk, mentee=world.mentee, text_sha256_seen=text_sha256(SECRET)
        )
    assert run(day(5)) == []
    assert run(day(8)) == []


def test_it_stops_for_good_once_the_candidate_asked_not_to_be_asked(world):
    with time_machine.travel(day(1), tick=False):
        consent_opt_out(review_id=world.review.pk, mentee=world.mentee)
    assert run(day(2)) == []
    assert run(day(5)) == []


def test_it_stops_once_the_review_is_closed(world):
    run(day(2))
    with time_machine.travel(day(3), tick=False):
        world.close_review()
    assert run(day(5)) == []


def test_a_draft_or_shared_statement_asks_for_nothing(world):
    world.review.statements.all().delete()  # only the two below
    with time_machine.travel(SENT, tick=False):
        world.statement("draft", text="draft words")
        world.statement("shared", text="shared words")
    assert run(day(3)) == []


def test_input_sent_later_does_not_bring_the_next_reminder_forward(world):
    run(day(2))
    with time_machine.travel(day(2.5), tick=False):
        world.statement("awaiting_consent", kind="engagement", text="more", submitted_at=day(2.5))
    assert run(day(3)) == []
    assert len(run(day(5))) == 1  # still one message per period, not one per statement


def test_a_review_the_panel_is_deciding_still_waits_for_consent(world):
    world.review.status = PromotionReview.Status.DECIDING
    world.review.save()
    assert len(run(day(2))) == 1  # deciding is not closed: consent is still open
