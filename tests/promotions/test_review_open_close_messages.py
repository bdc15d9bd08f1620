"""Opening a review tells the candidate and the supervisor; closing tells the candidate that it
closed, and the outcome only where the program says so, never the panel's note."""

from __future__ import annotations

import pytest
from django.core import mail

from promotions.services import review_change_status, review_opened, review_record_outcome
from tests.factories import PromotionReviewFactory
from tests.outbox import deliver_after

pytestmark = pytest.mark.django_db

NOTE = "Quiet in the panel interview; revisit after the Q3 project."


@pytest.fixture
def run():
    """One act, then the worker: mail.outbox holds exactly the act's messages."""

    def step(fn, **kwargs):
        with deliver_after():
            return fn(**kwargs)

    return step


def to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


def close_with_outcome(world, run, outcome="not_this_time"):
    review_change_status(review_id=world.review.pk, status="deciding", by=world.program_admin)
    review_record_outcome(
        review_id=world.review.pk, member=world.panel_member, outcome=outcome, note=NOTE
    )
    mail.outbox.clear()
    run(review_change_status, review_id=world.review.pk, status="closed", by=world.program_admin)


def test_opening_tells_the_candidate_what_they_may_do(world, run):
    review = PromotionReviewFactory(
        program=world.program, candidate=world.mentee, supervisor=world.supervisor
    )
    run(review_opened, review=review, by=world.program_admin)

    [message] = to(world.mentee)
    assert review.target_role in message.subject
    assert f"http://testserver{review.consent_url()}" in message.body
    assert "decline" in message.body
    assert "do not want to be asked for consent" in message.body


def test_opening_tells_the_supervisor_the_assessment_is_due(world, run):
    review = PromotionReviewFactory(
        program=world.program, candidate=world.mentee, supervisor=world.supervisor
    )
    run(review_opened, review=review, by=world.program_admin)

    [message] = to(world.supervisor)
    assert "assessment" in message.subject.lower()
    assert f"http://testserver{review.assessment_url()}" in message.body


def test_opening_tells_no_one_else(world, run):
    review = PromotionReviewFactory(
        program=world.program, candidate=world.mentee, supervisor=world.supervisor
    )
    run(review_opened, review=review, by=world.program_admin)
    recipients = {m.to[0] for m in mail.outbox}
    assert recipients == {world.mentee.email, world.supervisor.email, world.mentor.email}


def test_closing_tells_the_candidate_it_closed_but_not_the_outcome(world, run):
    close_with_outcome(world, run)

    [message] = to(world.mentee)
    assert "closed" in message.subject
    assert f"http://testserver{world.review.consent_url()}" in message.body
    assert "HR" in message.body
    for text in ("Not this time", "not_this_time", NOTE):
        assert text not in message.body
        assert text not in message.subject


def test_where_the_program_tells_it_the_candidate_hears_the_outcome_never_the_note(world, run):
    world.program.candidate_told_outcome = True
    world.program.save()

    close_with_outcome(world, run)

    [message] = to(world.mentee)
    assert "Not this time" in message.body
    assert NOTE not in message.body
    assert NOTE not in message.subject


def test_no_one_but_the_candidate_and_the_panel_hears_of_the_closing(world, run):
    close_with_outcome(world, run)
    recipients = {m.to[0] for m in mail.outbox}
    assert recipients == {world.mentee.email, world.panel_member.email}
    for message in mail.outbox:
        assert NOTE not in message.body


def test_the_panel_hears_the_same_whatever_the_outcome(world, run):
    close_with_outcome(world, run, outcome="promoted")
    [panel_message] = to(world.panel_member)
    assert "Promoted" not in panel_message.body
    assert NOTE not in panel_message.body
