"""Both members sign at the same moment on PostgreSQL: the agreement row lock queues them,
so there are exactly two signatures and one active agreement, activated once."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from agreements.models import Agreement, Signature
from agreements.services import agreement_sign
from mentorship.audit import Action, audit_verify
from mentorship.models import AuditEvent
from tests.factories.worlds import PASSWORD, answer_all, propose

ROUNDS = 3


def run_together(*calls) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(len(calls))

    def run(call) -> None:
        try:
            start.wait()
            call()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def signing(agreement: Agreement, person):
    return lambda: agreement_sign(
        agreement_id=agreement.pk,
        signer=person,
        typed_name=person.full_name,
        password=PASSWORD,
        text_sha256=agreement.text_sha256,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_both_parties_signing_at_once_activate_exactly_once(pair):
    answer_all(pair, pair.mentor)
    answer_all(pair, pair.mentee)
    for round_ in range(ROUNDS):
        # Each round is an amendment, so the later rounds also supersede concurrently.
        agreement = propose(pair, exceptions=f"Round {round_}.")
        errors = run_together(signing(agreement, pair.mentor), signing(agreement, pair.mentee))
        assert errors == []
        agreement.refresh_from_db()
        assert agreement.status == Agreement.Status.ACTIVE
        assert Signature.objects.filter(agreement=agreement).count() == 2
        assert Agreement.objects.filter(pair=pair, status="active").count() == 1
        activations = AuditEvent.objects.filter(
            action=Action.AGREEMENT_ACTIVATED, target_id=str(agreement.pk)
        )
        assert activations.count() == 1
    assert Agreement.objects.filter(pair=pair, status="superseded").count() == ROUNDS - 1
    assert audit_verify() is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_person_signing_twice_at_once_makes_one_signature(pair):
    answer_all(pair, pair.mentor)
    answer_all(pair, pair.mentee)
    agreement = propose(pair)
    errors = run_together(*(signing(agreement, pair.mentee) for _ in range(4)))
    assert len(errors) == 3
    assert all(isinstance(e, ValidationError) for e in errors)
    assert all("already signed" in " ".join(e.messages) for e in errors)
    assert Signature.objects.filter(agreement=agreement).count() == 1
