"""Attack review of the one-guard-per-model refactor: the write paths it does refuse, on every
database. Partial loads fall back to the stored row, related managers and bulk_update go
through the guarded queryset, and update_fields does not narrow what is compared.
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from agreements.models import Agreement, Signature
from mentorship.models import PublishedRecordError
from promotions.models import Statement
from tests.factories import DeclinedStatementFactory

pytestmark = pytest.mark.django_db

REFUSED = (PublishedRecordError, DatabaseError)


def attempt(write) -> None:
    with pytest.raises(REFUSED), transaction.atomic():
        write()


def test_a_partial_load_is_compared_with_the_stored_terms(active_agreement):
    partial = Agreement.objects.only("id", "status").get(pk=active_agreement.pk)
    partial.exceptions = "Anything goes."
    attempt(partial.save)
    deferred = Agreement.objects.defer("exceptions", "status").get(pk=active_agreement.pk)
    deferred.status = Agreement.Status.AWAITING_SIGNATURES
    attempt(deferred.save)
    stored = Agreement.objects.get(pk=active_agreement.pk)
    assert (stored.exceptions, stored.status) == (
        active_agreement.exceptions,
        Agreement.Status.ACTIVE,
    )


def test_update_fields_does_not_let_a_forbidden_move_through(active_agreement):
    active_agreement.status = Agreement.Status.VOID
    attempt(lambda: active_agreement.save(update_fields=["status"]))
    assert Agreement.objects.get(pk=active_agreement.pk).status == Agreement.Status.ACTIVE


def test_related_managers_and_bulk_update_are_guarded(active_agreement):
    attempt(lambda: active_agreement.pair.agreements.update(exceptions="x"))
    attempt(lambda: active_agreement.signatures.update(typed_name="Someone Else"))
    signatures = list(active_agreement.signatures.all())
    for signature in signatures:
        signature.typed_name = "Someone Else"
    attempt(lambda: Signature.objects.bulk_update(signatures, ["typed_name"]))
    attempt(lambda: active_agreement.signatures.all().delete())
    assert set(active_agreement.signatures.values_list("typed_name", flat=True)) == {
        active_agreement.pair.mentor.full_name,
        active_agreement.pair.mentee.full_name,
    }


def test_a_declined_statement_refuses_partial_loads_and_bulk_update():
    declined = DeclinedStatementFactory()
    partial = Statement.objects.defer("state").get(pk=declined.pk)
    partial.text = "Rewritten after the mentee said no."
    attempt(partial.save)
    loaded = Statement.objects.get(pk=declined.pk)
    loaded.text = "Rewritten after the mentee said no."
    attempt(lambda: Statement.objects.bulk_update([loaded], ["text"]))
    attempt(lambda: declined.pair.statements.update(decline_reason=""))
    stored = Statement.objects.get(pk=declined.pk)
    assert (stored.state, stored.text, stored.decline_reason) == (
        Statement.State.DECLINED,
        declined.text,
        declined.decline_reason,
    )
