"""Proposed terms and their text (signed or not yet), and every signature, never change or
disappear: refused by the models everywhere, and by the database itself on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from agreements.models import Agreement, Signature
from mentorship.models import PublishedRecordError
from tests.factories import ActiveAgreementFactory, PairFactory
from tests.factories.worlds import sign

pytestmark = pytest.mark.django_db


def test_model_refuses_changing_signed_terms(active_agreement):
    active_agreement.allows_advocacy = False
    with pytest.raises(PublishedRecordError):
        active_agreement.save()
    active_agreement.refresh_from_db()
    assert active_agreement.allows_advocacy is True


def test_model_refuses_changing_terms_after_the_first_signature(proposal):
    sign(proposal, proposal.pair.mentee)
    proposal.refresh_from_db()
    proposal.canonical_text += "\nOne more clause."
    with pytest.raises(PublishedRecordError):
        proposal.save()


def test_model_refuses_deleting_a_signed_agreement(active_agreement):
    with pytest.raises(PublishedRecordError):
        active_agreement.delete()
    assert Agreement.objects.filter(pk=active_agreement.pk).exists()


def test_model_refuses_moving_status_backwards(active_agreement):
    active_agreement.status = Agreement.Status.AWAITING_SIGNATURES
    with pytest.raises(PublishedRecordError):
        active_agreement.save()


def test_closed_signed_agreement_is_frozen(active_agreement):
    active_agreement.status = Agreement.Status.ENDED
    active_agreement.closed_at = timezone.now()
    active_agreement.save()  # forward: allowed
    active_agreement.end_reason = "rewritten later"
    with pytest.raises(PublishedRecordError):
        active_agreement.save()


def test_signatures_never_change_or_go(active_agreement):
    signature = active_agreement.signatures.first()
    signature.typed_name = "Someone Else"
    with pytest.raises(PublishedRecordError):
        signature.save()
    with pytest.raises(PublishedRecordError):
        signature.delete()
    with pytest.raises(PublishedRecordError):
        Signature.objects.filter(pk=signature.pk).update(typed_name="Someone Else")
    with pytest.raises(PublishedRecordError):
        Signature.objects.filter(pk=signature.pk).delete()
    assert Signature.objects.get(pk=signature.pk).typed_name != "Someone Else"


def test_terms_are_fixed_from_the_proposal_not_only_from_the_first_signature(proposal):
    """Whoever signs, signs the proposed text: it is fixed before anyone has signed."""
    proposal = Agreement.objects.get(pk=proposal.pk)
    assert not proposal.signatures.exists()
    proposal.allows_advocacy = not proposal.allows_advocacy
    with pytest.raises(PublishedRecordError, match="never change once proposed"):
        proposal.save()
    with pytest.raises(PublishedRecordError, match="never deleted"):
        proposal.delete()


def test_bulk_writes_to_proposed_terms_are_refused_by_the_model(active_agreement):
    agreements = Agreement.objects.filter(pk=active_agreement.pk)
    with pytest.raises(PublishedRecordError):
        agreements.update(exceptions="Forged.")
    with pytest.raises(PublishedRecordError, match="cannot go from active to awaiting"):
        agreements.update(status=Agreement.Status.AWAITING_SIGNATURES)
    with pytest.raises(PublishedRecordError):
        agreements.delete()
    agreements.update(status=Agreement.Status.ENDED, closed_at=timezone.now())  # forward
    with pytest.raises(PublishedRecordError, match="A closed agreement never changes"):
        agreements.update(end_reason="Rewritten later.")
    assert agreements.get().exceptions == active_agreement.exceptions


def test_unsigned_agreements_stay_ordinary_rows():
    """Other apps create bare agreements (no text, no signatures) and may change them."""
    agreement = Agreement.objects.create(
        pair=PairFactory(), status="active", allows_promotion_participation=True
    )
    agreement.allows_advocacy = True
    agreement.save()
    Agreement.objects.filter(pk=agreement.pk).update(status="ended")
    ActiveAgreementFactory().delete()
    agreement.refresh_from_db()
    assert agreement.status == "ended"


@pytest.mark.postgres
def test_orm_update_of_signed_terms_fails_in_the_database(active_agreement):
    # A plain QuerySet of the model: past the model's own refusal, down to the trigger.
    with pytest.raises(DatabaseError), transaction.atomic():
        QuerySet(Agreement).filter(pk=active_agreement.pk).update(allows_advocacy=False)
    active_agreement.refresh_from_db()
    assert active_agreement.allows_advocacy is True


@pytest.mark.postgres
def test_raw_sql_update_of_a_signed_agreement_fails(active_agreement):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE agreements_agreement SET canonical_text = %s WHERE id = %s",
            ["forged", active_agreement.pk],
        )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM agreements_agreement WHERE id = %s", [active_agreement.pk])
    active_agreement.refresh_from_db()
    assert active_agreement.canonical_text != "forged"


@pytest.mark.postgres
def test_raw_sql_cannot_touch_signatures(active_agreement):
    signature = active_agreement.signatures.first()
    for sql in (
        "UPDATE agreements_signature SET text_sha256 = 'x' WHERE id = %s",
        "DELETE FROM agreements_signature WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [signature.pk])
    assert Signature.objects.get(pk=signature.pk).text_sha256 == active_agreement.text_sha256


@pytest.mark.postgres
def test_database_lets_status_move_forward_only(active_agreement):
    Agreement.objects.filter(pk=active_agreement.pk).update(
        status="ended", closed_at=timezone.now()
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        QuerySet(Agreement).filter(pk=active_agreement.pk).update(status="active")
    active_agreement.refresh_from_db()
    assert active_agreement.status == "ended"


@pytest.mark.postgres
def test_database_lets_unsigned_agreements_change():
    agreement = ActiveAgreementFactory()
    Agreement.objects.filter(pk=agreement.pk).update(allows_advocacy=False, status="ended")
    agreement.refresh_from_db()
    assert (agreement.allows_advocacy, agreement.status) == (False, "ended")
