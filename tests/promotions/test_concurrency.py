"""Races between real transactions on PostgreSQL leave a consistent statement and audit trail.

Each test starts two threads at a barrier, each calling a service in its own connection. The
services lock the statement row (and the agreement row where the terms matter), so one waits
for the other and then decides on what the other committed.
"""

from __future__ import annotations

from functools import partial

import pytest
from django.core.exceptions import ValidationError

from agreements.models import Agreement
from mentorship.audit import Action
from mentorship.models import ConfidentialAuditEvent
from promotions.models import Statement, text_sha256
from promotions.services import (
    consent_grant,
    consent_withdraw,
    statement_edit,
    statement_submit,
)
from tests.concurrency import run_together
from tests.promotions.conftest import close_agreement

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 4


def events(statement: Statement, action: str) -> int:
    return ConfidentialAuditEvent.objects.filter(action=action, target_id=str(statement.pk)).count()


def test_consent_and_withdrawal_racing(world):
    for _ in range(ROUNDS):
        statement = world.statement("awaiting_consent")
        seen = text_sha256(statement.text)

        grant, withdraw = run_together(
            partial(
                consent_grant, statement_id=statement.pk, mentee=world.mentee, text_sha256_seen=seen
            ),
            partial(consent_withdraw, statement_id=statement.pk, mentee=world.mentee),
        )

        statement.refresh_from_db()
        assert isinstance(grant, Statement)
        assert events(statement, Action.CONSENT_GRANTED) == 1
        if isinstance(withdraw, ValidationError):  # it came first and found nothing shared
            assert statement.state == Statement.State.SHARED
            assert events(statement, Action.CONSENT_WITHDRAWN) == 0
        else:
            assert statement.state == Statement.State.WITHDRAWN
            assert events(statement, Action.CONSENT_WITHDRAWN) == 1
        assert statement.consent_is_current


def test_a_double_consent_records_one_consent(world):
    for _ in range(ROUNDS):
        statement = world.statement("awaiting_consent")
        seen = text_sha256(statement.text)

        grant = partial(
            consent_grant, statement_id=statement.pk, mentee=world.mentee, text_sha256_seen=seen
        )
        outcomes = run_together(grant, grant)

        assert sorted(type(o).__name__ for o in outcomes) == ["Statement", "ValidationError"]
        statement.refresh_from_db()
        assert statement.state == Statement.State.SHARED
        assert events(statement, Action.CONSENT_GRANTED) == 1


def test_an_edit_racing_a_consent_never_leaves_consent_on_other_text(world):
    for n in range(ROUNDS):
        statement = world.statement("awaiting_consent")
        seen = text_sha256(statement.text)
        new_text = f"Rewritten while the mentee was reading ({n})."

        grant, edit = run_together(
            partial(
                consent_grant, statement_id=statement.pk, mentee=world.mentee, text_sha256_seen=seen
            ),
            partial(statement_edit, statement_id=statement.pk, mentor=world.mentor, text=new_text),
        )

        statement.refresh_from_db()
        assert isinstance(edit, Statement)
        assert statement.text == new_text
        assert statement.state == Statement.State.DRAFT  # the edit always wins in the end
        assert statement.consent_text_sha256 == ""
        if isinstance(grant, ValidationError):
            assert events(statement, Action.CONSENT_GRANTED) == 0


def test_a_consent_racing_the_end_of_the_agreement_never_stays_shared(world):
    statement = world.statement("awaiting_consent")
    seen = text_sha256(statement.text)

    grant, _ = run_together(
        partial(
            consent_grant, statement_id=statement.pk, mentee=world.mentee, text_sha256_seen=seen
        ),
        lambda: close_agreement(
            Agreement.objects.get(pk=world.agreement.pk), status=Agreement.Status.ENDED
        ),
    )

    statement.refresh_from_db()
    world.agreement.refresh_from_db()
    assert world.agreement.status == Agreement.Status.ENDED
    if isinstance(grant, ValidationError):  # the agreement ended first: consent refused
        assert statement.state == Statement.State.AWAITING_CONSENT
    else:  # consent committed first: the cascade then withdrew it
        assert statement.state == Statement.State.WITHDRAWN
        assert statement.withdrawal_cause == Statement.WithdrawalCause.AGREEMENT


def test_a_double_submit_sends_once(world):
    statement = world.statement("draft")

    submit = partial(statement_submit, statement_id=statement.pk, mentor=world.mentor)
    outcomes = run_together(submit, submit)

    assert sorted(type(o).__name__ for o in outcomes) == ["Statement", "ValidationError"]
    assert events(statement, Action.CONSENT_REQUESTED) == 1
