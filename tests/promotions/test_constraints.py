"""The database refuses statements whose consent fields contradict their state."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from mentorship.models import PublishedRecordError
from promotions.models import PanelSeat, Statement, StatementView
from tests.factories import PromotionReviewFactory, StatementViewFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
BAD_ROWS = {
    "draft with consent": {"state": "draft", "consented_at": NOW, "consent_text_sha256": "a" * 64},
    "draft with a submission time": {"state": "draft", "submitted_at": NOW},
    "awaiting without submission time": {"state": "awaiting_consent"},
    "awaiting with a decline reason": {
        "state": "awaiting_consent",
        "submitted_at": NOW,
        "decline_reason": "no",
    },
    "shared without consent hash": {"state": "shared", "submitted_at": NOW, "consented_at": NOW},
    "shared without consent time": {
        "state": "shared",
        "submitted_at": NOW,
        "consent_text_sha256": "a" * 64,
    },
    "declined without decline time": {"state": "declined", "submitted_at": NOW},
    "declined with consent": {
        "state": "declined",
        "submitted_at": NOW,
        "declined_at": NOW,
        "consented_at": NOW,
        "consent_text_sha256": "a" * 64,
    },
    "withdrawn without cause": {
        "state": "withdrawn",
        "submitted_at": NOW,
        "consented_at": NOW,
        "consent_text_sha256": "a" * 64,
        "withdrawn_at": NOW,
    },
    "withdrawn that was never consented": {
        "state": "withdrawn",
        "consented_at": None,
        "consent_text_sha256": "",
        "submitted_at": NOW,
        "withdrawn_at": NOW,
        "withdrawal_cause": "mentee",
    },
    "unknown kind": {"kind": "verdict"},
    "empty text": {"text": ""},
}
# Each bad row is written over a statement its state may be reached from (Statement.TRANSITIONS),
# so that what refuses it is the constraint, not the move.
COMES_FROM = {
    "draft": "draft",
    "awaiting_consent": "draft",
    "shared": "awaiting_consent",
    "declined": "awaiting_consent",
    "withdrawn": "shared",
}


@pytest.mark.parametrize("fields", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_inconsistent_statements_are_refused(world, fields):
    state = fields.get("state", "draft")
    assert Statement.TRANSITIONS.allows(COMES_FROM[state], state)
    statement = world.statement(COMES_FROM[state])
    with pytest.raises(IntegrityError), transaction.atomic():
        Statement.objects.filter(pk=statement.pk).update(**fields)


def test_an_unknown_state_is_refused(world):
    statement = world.statement("draft")
    with pytest.raises(PublishedRecordError, match="cannot go from draft to published"):
        Statement.objects.filter(pk=statement.pk).update(state="published")
    # Past the model (a plain manager): the constraint on SQLite, the trigger on PostgreSQL.
    with pytest.raises(DatabaseError), transaction.atomic():
        QuerySet(Statement).filter(pk=statement.pk).update(state="published")


def test_a_person_sits_once_on_a_panel(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        PanelSeat.objects.create(
            review=world.review, user=world.panel_member, added_by=world.program_admin
        )


def test_the_candidate_is_not_their_own_supervisor(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        PromotionReviewFactory(candidate=world.mentee, supervisor=world.mentee)


def test_a_closed_review_has_a_closing_time(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        type(world.review).objects.filter(pk=world.review.pk).update(status="closed")


def test_access_records_are_append_only(world):
    view = StatementViewFactory(statement=world.statement("shared"), viewer=UserFactory())
    with pytest.raises(PublishedRecordError):
        view.save()
    with pytest.raises(PublishedRecordError):
        view.delete()


def test_access_records_refuse_bulk_update_and_delete(world):
    view = StatementViewFactory(statement=world.statement("shared"), viewer=UserFactory())
    with pytest.raises(PublishedRecordError):
        StatementView.objects.filter(pk=view.pk).update(viewed_at=NOW)
    with pytest.raises(PublishedRecordError):
        StatementView.objects.all().delete()
    assert StatementView.objects.get(pk=view.pk).viewed_at == view.viewed_at


@pytest.mark.postgres
def test_access_records_are_append_only_in_the_database(world):
    view = StatementViewFactory(statement=world.statement("shared"), viewer=UserFactory())
    # a plain QuerySet of the model: past the model's own refusal, down to the trigger.
    with pytest.raises(Exception, match="statement_view_append_only"), transaction.atomic():
        QuerySet(StatementView).filter(pk=view.pk).update(viewed_at=NOW)
    with pytest.raises(Exception, match="statement_view_append_only"), transaction.atomic():
        QuerySet(StatementView).filter(pk=view.pk).delete()
