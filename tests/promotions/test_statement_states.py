"""The statement's CheckConstraint is built from Statement.STATES. It must say exactly what the
hand-written constraint it replaced said (migration promotions 0009), and each state's
declaration must hold in the database field by field. The predicates the services ask before
each move agree with Statement.TRANSITIONS in every state."""

from __future__ import annotations

import operator
from functools import reduce
from itertools import product

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from mentorship.immutability import row_matches
from promotions.models import STATEMENT_BLANKS, Statement, statement_states_condition
from promotions.permissions import (
    can_decline,
    can_edit_statement,
    can_grant_consent,
    can_submit_for_consent,
    can_withdraw,
)
from tests.factories import (
    AwaitingConsentStatementFactory,
    SharedStatementFactory,
    StatementFactory,
)

NOW = timezone.now()

# The constraint as migrations 0001-0008 wrote it out by hand, before the declaration: each
# state with what it fills and the blanks it keeps, spelled out here independently of STATES.
NOT_CONSENTED = Q(consented_at__isnull=True, consent_text_sha256="")
CONSENTED = Q(consented_at__isnull=False) & ~Q(consent_text_sha256="")
NOT_DECLINED = Q(declined_at__isnull=True, decline_reason="")
NOT_WITHDRAWN = Q(withdrawn_at__isnull=True, withdrawal_cause="")


def _state(name: str, *parts: Q, **fields) -> Q:
    return reduce(operator.and_, parts, Q(state=name, **fields))


HAND_WRITTEN = reduce(
    operator.or_,
    [
        _state(
            "draft",
            NOT_CONSENTED,
            NOT_DECLINED,
            NOT_WITHDRAWN,
            submitted_at__isnull=True,
            guard_cautions="",
        ),
        _state(
            "awaiting_consent",
            NOT_CONSENTED,
            NOT_DECLINED,
            NOT_WITHDRAWN,
            submitted_at__isnull=False,
        ),
        _state("shared", CONSENTED, NOT_DECLINED, NOT_WITHDRAWN, submitted_at__isnull=False),
        _state(
            "declined",
            NOT_CONSENTED,
            NOT_WITHDRAWN,
            submitted_at__isnull=False,
            declined_at__isnull=False,
        ),
        _state(
            "withdrawn",
            CONSENTED,
            NOT_DECLINED,
            submitted_at__isnull=False,
            withdrawn_at__isnull=False,
            withdrawal_cause__in=["mentee", "agreement"],
        ),
    ],
)

# Values each field takes in the grid: blank, filled, and (for the cause) not a choice.
GRID = {
    "state": [*Statement.State.values, "published"],
    "submitted_at": [None, NOW],
    "consented_at": [None, NOW],
    "consent_text_sha256": ["", "a" * 64],
    "declined_at": [None, NOW],
    "decline_reason": ["", "no"],
    "withdrawn_at": [None, NOW],
    "withdrawal_cause": ["", "mentee", "agreement", "bogus"],
    "guard_cautions": ["", "competence"],
}


def test_the_generated_constraint_says_what_the_hand_written_one_said():
    """Every combination of blank and filled consent fields in every state (and an unknown
    one): both conditions accept exactly the same rows."""
    generated = statement_states_condition()
    differ = []
    for values in product(*GRID.values()):
        row = dict(zip(GRID, values, strict=True))
        if row_matches(Statement, generated, row) != row_matches(Statement, HAND_WRITTEN, row):
            differ.append(row)
    assert differ == []


def test_every_consent_field_is_declared_in_every_state():
    for state, fields in Statement.STATES.items():
        named = set(fields["set"]) | set(fields["empty"])
        assert not set(fields["set"]) & set(fields["empty"]), state
        assert named <= set(STATEMENT_BLANKS), state
    assert set(Statement.STATES) == set(Statement.State.values)


FILLED = {
    "submitted_at": NOW,
    "consented_at": NOW,
    "consent_text_sha256": "a" * 64,
    "declined_at": NOW,
    "decline_reason": "no",
    "withdrawn_at": NOW,
    "withdrawal_cause": "mentee",
    "guard_cautions": "competence",
}


def consistent_row(state: str) -> dict:
    row = dict.fromkeys(STATEMENT_BLANKS)
    row.update(STATEMENT_BLANKS)
    row.update({name: FILLED[name] for name in Statement.STATES[state]["set"]})
    return {"state": state, **row}


# A state each may be reached from (Statement.TRANSITIONS), so that on PostgreSQL what refuses
# a row is the constraint, not the trigger.
COMES_FROM = {
    Statement.State.DRAFT: StatementFactory,
    Statement.State.AWAITING_CONSENT: StatementFactory,
    Statement.State.SHARED: AwaitingConsentStatementFactory,
    Statement.State.DECLINED: AwaitingConsentStatementFactory,
    Statement.State.WITHDRAWN: SharedStatementFactory,
}


def write(row: dict) -> bool:
    """A fresh statement rewritten to `row` (fresh: a declined row takes no further UPDATE)."""
    statement = COMES_FROM[row["state"]]()
    try:
        with transaction.atomic():
            QuerySet(Statement).filter(pk=statement.pk).update(**row)
    except IntegrityError:
        return False
    return True


@pytest.mark.django_db
@pytest.mark.parametrize("state", Statement.State.values)
def test_the_database_holds_each_states_declaration(state):
    assert write(consistent_row(state))
    fields = Statement.STATES[state]
    for name in fields["set"]:
        assert not write({**consistent_row(state), name: STATEMENT_BLANKS[name]}), name
    for name in fields["empty"]:
        assert not write({**consistent_row(state), name: FILLED[name]}), name
    free = set(STATEMENT_BLANKS) - set(fields["set"]) - set(fields["empty"])
    for name in free:
        assert write({**consistent_row(state), name: FILLED[name]}), name


# Each action on a statement: the state it moves to, who acts, the predicate the service asks,
# and whether it may also keep the state (editing a draft leaves a draft).
ACTIONS = {
    "edit": (Statement.State.DRAFT, "mentor", can_edit_statement, True),
    "submit": (Statement.State.AWAITING_CONSENT, "mentor", can_submit_for_consent, False),
    "consent": (Statement.State.SHARED, "mentee", can_grant_consent, False),
    "decline": (Statement.State.DECLINED, "mentee", can_decline, False),
    "withdraw": (Statement.State.WITHDRAWN, "mentee", can_withdraw, False),
}


@pytest.mark.django_db
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", Statement.State.values)
def test_each_action_is_offered_from_exactly_the_declared_states(world, action, state):
    """In an open review under terms that allow the statement, the predicates the services and
    pages ask say yes exactly where Statement.TRANSITIONS has the move."""
    target, role, predicate, may_stay = ACTIONS[action]
    statement = world.statement(state)
    declared = target in Statement.TRANSITIONS.targets(state) or (may_stay and state == target)
    assert bool(predicate(world.person(role), statement)) == declared
