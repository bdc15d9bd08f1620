"""Hand-off notifications: written with the act, emailed by the worker, with a link, never
statement text, and silent to the panel about input of any kind
(tests/security/test_panel_notifications_independent.py)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from mentorship.models import Notification
from promotions.models import Statement, text_sha256
from promotions.services import (
    consent_decline,
    consent_grant,
    consent_withdraw,
    review_change_status,
    review_opened,
    statement_create,
    statement_edit,
    statement_submit,
)
from tests.factories import PanelSeatFactory, PromotionReviewFactory, UserFactory
from tests.outbox import run_worker

pytestmark = pytest.mark.django_db

SECRET = "Carol confided that she fears public speaking but has worked hard on it."
DECLINE_REASON = "Please keep my fears between us."


@pytest.fixture
def outbox():
    """Run each step, then the worker; mail.outbox holds the emails of the steps only."""

    class Outbox:
        def step(self, fn, **kwargs):
            # What was queued outside the steps (the world's setup) is delivered and dropped.
            kept = list(mail.outbox)
            run_worker()
            mail.outbox[:] = kept
            result = fn(**kwargs)
            run_worker()
            return result

        def to(self, user) -> list:
            return [m for m in mail.outbox if m.to == [user.email]]

    return Outbox()


def assert_no_confidential_text(messages):
    for message in messages:
        for secret in (SECRET, DECLINE_REASON, "fears"):
            assert secret not in message.body
            assert secret not in message.subject
    # The inbox entries too: every one there is, whether emailed or not.
    for entry in Notification.objects.all():
        for secret in (SECRET, DECLINE_REASON, "fears"):
            assert secret not in entry.subject + entry.body + entry.link


def full_flow_until_shared(world, outbox) -> Statement:
    statement = statement_create(
        review_id=world.review.pk, mentor=world.mentor, kind="advocacy", text=SECRET
    )
    outbox.step(statement_submit, statement_id=statement.pk, mentor=world.mentor)
    outbox.step(
        consent_grant,
        statement_id=statement.pk,
        mentee=world.mentee,
        text_sha256_seen=text_sha256(SECRET),
    )
    return statement


def test_a_new_review_invites_the_candidates_mentor(world, outbox):
    review = PromotionReviewFactory(program=world.program, candidate=world.mentee)

    outbox.step(review_opened, review=review, by=world.program_admin)

    [message] = outbox.to(world.mentor)
    assert "Carol Chen" in message.subject
    assert f"http://testserver{review.input_url()}" in message.body


def test_the_mentee_is_asked_and_the_mentor_told_with_links_and_no_text(world, outbox):
    full_flow_until_shared(world, outbox)

    [request] = outbox.to(world.mentee)
    assert f"http://testserver{world.review.consent_url()}" in request.body
    [granted] = outbox.to(world.mentor)
    assert "consented" in granted.subject
    assert f"http://testserver{world.review.input_url()}" in granted.body
    assert_no_confidential_text(mail.outbox)


def test_the_panel_hears_of_status_changes_never_of_input(world, outbox):
    second_member = UserFactory(full_name="Pat Singh")
    PanelSeatFactory(review=world.review, user=second_member)

    full_flow_until_shared(world, outbox)
    assert outbox.to(world.panel_member) == []  # shared input is on the page, not in the mail
    assert not Notification.objects.filter(recipient=world.panel_member).exists()
    outbox.step(
        review_change_status, review_id=world.review.pk, status="deciding", by=world.program_admin
    )

    for member in (world.panel_member, second_member):
        [message] = outbox.to(member)
        assert message.subject == "The review of Carol Chen is now deciding"
        assert f"http://testserver{world.review.get_absolute_url()}" in message.body
    assert_no_confidential_text(mail.outbox)


def test_the_panel_hears_nothing_of_drafts_requests_declines_withdrawals_or_edits(world, outbox):
    declined = statement_create(
        review_id=world.review.pk, mentor=world.mentor, kind="advocacy", text=SECRET
    )
    outbox.step(statement_submit, statement_id=declined.pk, mentor=world.mentor)
    outbox.step(
        consent_decline, statement_id=declined.pk, mentee=world.mentee, reason=DECLINE_REASON
    )
    shared = world.statement("shared", kind="engagement")
    outbox.step(consent_withdraw, statement_id=shared.pk, mentee=world.mentee)
    edited = world.statement("shared")
    outbox.step(statement_edit, statement_id=edited.pk, mentor=world.mentor, text="New words.")

    assert outbox.to(world.panel_member) == []
    assert not Notification.objects.filter(recipient=world.panel_member).exists()
    [declined_mail, withdrawn_mail] = outbox.to(world.mentor)
    assert "declined" in declined_mail.subject
    assert "withdrew" in withdrawn_mail.subject
    assert_no_confidential_text(mail.outbox)


def test_nothing_is_written_or_queued_when_the_transaction_rolls_back(world):
    statement = world.statement("draft", text="Carol grew.")
    before = (Notification.objects.count(), DBTaskResult.objects.count())

    class Boom(Exception):
        pass

    def submit_then_fail():
        with transaction.atomic():
            statement_submit(statement_id=statement.pk, mentor=world.mentor)
            # The request to the mentee was written, and its email queued, before the failure.
            assert Notification.objects.count() == before[0] + 1
            assert DBTaskResult.objects.count() == before[1] + 1
            raise Boom

    with pytest.raises(Boom):
        submit_then_fail()

    assert (Notification.objects.count(), DBTaskResult.objects.count()) == before
    run_worker()
    assert mail.outbox == []
    statement.refresh_from_db()
    assert statement.state == Statement.State.DRAFT
