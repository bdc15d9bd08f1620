"""The guards compare with the values an object was loaded with: saving a loaded row costs its
UPDATE and nothing more, whatever rules the model declares. An object built by hand with an
existing primary key (never loaded) is compared with the stored row, read once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from agreements.models import Agreement, Signature
from mentorship.immutability import PublishedRecordError
from mentorship.models import AuditEvent, Guideline, Pair
from promotions.models import PromotionReview, Statement
from tests.factories import (
    AgreementFactory,
    GuidelineFactory,
    PairFactory,
    PromotionReviewFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db


def proposal() -> Agreement:
    return AgreementFactory(
        status=Agreement.Status.AWAITING_SIGNATURES,
        canonical_text="The terms.",
        text_sha256="a" * 64,
    )


def test_saving_a_loaded_pair_is_one_update(django_assert_num_queries):
    pair = Pair.objects.get(pk=PairFactory().pk)
    pair.cadence_days = Pair.Cadence.WEEKLY
    # savepoint (the creation checks' transaction), UPDATE, release
    with django_assert_num_queries(3):
        pair.save()


def test_saving_a_loaded_draft_guideline_is_one_update(django_assert_num_queries):
    guideline = Guideline.objects.get(pk=GuidelineFactory().pk)
    guideline.title = "Second thoughts"
    with django_assert_num_queries(1):
        guideline.save()


def test_saving_a_loaded_proposal_is_one_update(django_assert_num_queries):
    agreement = Agreement.objects.get(pk=proposal().pk)
    agreement.status = Agreement.Status.VOID
    agreement.closed_at = timezone.now()
    with django_assert_num_queries(1):
        agreement.save()


def test_saving_a_loaded_statement_or_review_is_one_update(django_assert_num_queries):
    statement = Statement.objects.get(pk=StatementFactory().pk)
    statement.text = "Rewritten."
    review = PromotionReview.objects.get(pk=PromotionReviewFactory().pk)
    review.status = PromotionReview.Status.DECIDING
    with django_assert_num_queries(2):
        statement.save()
        review.save(update_fields=["status"])


def test_appending_is_one_insert(django_assert_num_queries):
    agreement = proposal()
    with django_assert_num_queries(2):
        Signature.objects.create(
            agreement=agreement,
            signer=agreement.pair.mentor,
            role=Signature.Role.MENTOR,
            typed_name="Maria",
            signed_at=timezone.now(),
            text_sha256=agreement.text_sha256,
        )
        AuditEvent(action="test", hash="h" * 64).save()


def test_a_created_row_is_guarded_without_being_loaded(django_assert_num_queries):
    guideline = GuidelineFactory()
    guideline.status = Guideline.Status.PUBLISHED
    guideline.version, guideline.published_at = 1, timezone.now()
    guideline.save()
    guideline.body = "Rewritten."
    with django_assert_num_queries(0), pytest.raises(PublishedRecordError):
        guideline.save()


def test_a_copy_built_by_hand_is_compared_with_the_stored_row(django_assert_num_queries):
    pair = PairFactory()
    copy = Pair(**{f.attname: getattr(pair, f.attname) for f in Pair._meta.concrete_fields})
    copy.mentee_id = PairFactory().mentee_id
    # savepoint (Pair.save's transaction), the stored row's watched columns, rollback, release
    with django_assert_num_queries(4), pytest.raises(PublishedRecordError, match="new pair"):
        copy.save()


def test_refresh_from_db_renews_what_the_guard_compares_with():
    agreement = AgreementFactory(status=Agreement.Status.DRAFT)
    Agreement.objects.filter(pk=agreement.pk).update(
        status=Agreement.Status.AWAITING_SIGNATURES, canonical_text="Terms.", text_sha256="b" * 64
    )
    agreement.refresh_from_db()
    agreement.exceptions = "Added later."
    with pytest.raises(PublishedRecordError, match="never change once proposed"):
        agreement.save()
