"""Every state machine walked over every pair of states: a move is allowed exactly when the
model's TRANSITIONS declares it, by save() everywhere and, on PostgreSQL, by the database itself
for raw SQL (the trigger generated from the same declaration).

The statement's services move it with Statement.move_to(); its row is checked by the
CheckConstraint built from Statement.STATES, so the walk also saves each allowed move.
"""

from __future__ import annotations

from itertools import permutations

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from agreements.models import Agreement
from mentorship.immutability import ALL_FIELDS, PublishedRecordError, row_matches
from mentorship.models import Pair
from promotions.models import STATEMENT_BLANKS, PromotionReview, Statement
from tests.factories import (
    AgreementFactory,
    AwaitingConsentStatementFactory,
    DeclinedStatementFactory,
    PairFactory,
    PromotionReviewFactory,
    SharedStatementFactory,
    StatementFactory,
    WithdrawnStatementFactory,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def every_move(choices) -> list[tuple[str, str]]:
    return list(permutations(choices.values, 2))


def declared(machine, old: str, new: str) -> bool:
    return new in machine.moves.get(old, ())


def review_in(status: str) -> PromotionReview:
    created = PromotionReviewFactory(status=status)
    return PromotionReview.objects.get(pk=created.pk)


def pair_in(status: str) -> Pair:
    return Pair.objects.get(pk=PairFactory(status=status).pk)


def proposal_in(status: str) -> Agreement:
    """Terms proposed (text and hash set), so the agreement's machine applies."""
    created = AgreementFactory(
        status=status,
        canonical_text="The terms.",
        text_sha256="a" * 64,
        activated_at=NOW if status != Agreement.Status.AWAITING_SIGNATURES else None,
    )
    return Agreement.objects.get(pk=created.pk)


def closed_at(status: str):
    return NOW if status == PromotionReview.Status.CLOSED else None


def save_moves(obj, field: str, new: str, **extra) -> bool:
    setattr(obj, field, new)
    for name, value in extra.items():
        setattr(obj, name, value)
    try:
        with transaction.atomic():
            obj.save()
    except PublishedRecordError:
        return False
    return True


@pytest.mark.parametrize(("old", "new"), every_move(PromotionReview.Status))
def test_review_status_moves_as_declared(old, new):
    review = review_in(old)
    moved = save_moves(review, "status", new, closed_at=closed_at(new))
    assert moved == declared(PromotionReview.TRANSITIONS, old, new)
    review.refresh_from_db()
    assert review.status == (new if moved else old)


@pytest.mark.parametrize(("old", "new"), every_move(Pair.Status))
def test_pair_status_moves_as_declared(old, new):
    pair = pair_in(old)
    assert save_moves(pair, "status", new) == declared(Pair.TRANSITIONS, old, new)


@pytest.mark.parametrize(("old", "new"), every_move(Agreement.Status))
def test_proposed_agreement_status_moves_as_declared(old, new):
    agreement = proposal_in(old)
    assert save_moves(agreement, "status", new) == declared(Agreement.TRANSITIONS, old, new)


def test_bulk_updates_follow_the_same_table():
    ended, active = pair_in(Pair.Status.ENDED), pair_in(Pair.Status.ACTIVE)
    with pytest.raises(PublishedRecordError, match="cannot go from ended to active"):
        Pair.objects.filter(pk__in=[ended.pk, active.pk]).update(status=Pair.Status.ACTIVE)
    Pair.objects.filter(pk=active.pk).update(status=Pair.Status.COMPLETED)
    assert Pair.objects.get(pk=active.pk).status == Pair.Status.COMPLETED
    closed = review_in(PromotionReview.Status.CLOSED)
    # A closed review is frozen whole, so that rule answers before the transitions table.
    with pytest.raises(PublishedRecordError, match="A closed review never changes"):
        PromotionReview.objects.filter(pk=closed.pk).update(status="open", closed_at=None)


def test_full_clean_names_the_refused_move():
    pair = pair_in(Pair.Status.ENDED)
    pair.status = Pair.Status.ACTIVE
    with pytest.raises(ValidationError, match="A pair cannot go from ended to active"):
        pair.full_clean()


STATEMENTS = {
    Statement.State.DRAFT: StatementFactory,
    Statement.State.AWAITING_CONSENT: AwaitingConsentStatementFactory,
    Statement.State.SHARED: SharedStatementFactory,
    Statement.State.DECLINED: DeclinedStatementFactory,
    Statement.State.WITHDRAWN: WithdrawnStatementFactory,
}
# What each target state needs beyond what move_to() blanks: the service's own values.
ARRIVING = {
    Statement.State.DRAFT: {"text": "Rewritten."},
    Statement.State.AWAITING_CONSENT: {"submitted_at": NOW},
    Statement.State.SHARED: {"consented_at": NOW, "consent_text_sha256": "b" * 64},
    Statement.State.DECLINED: {"declined_at": NOW},
    Statement.State.WITHDRAWN: {"withdrawn_at": NOW, "withdrawal_cause": "mentee"},
}


@pytest.mark.parametrize(("old", "new"), every_move(Statement.State))
def test_statement_moves_as_declared_and_lands_in_a_consistent_row(old, new):
    statement = Statement.objects.get(pk=STATEMENTS[old]().pk)
    allowed = declared(Statement.TRANSITIONS, old, new)
    if not allowed:
        with pytest.raises(PublishedRecordError, match="A statement cannot go from"):
            statement.move_to(new, **ARRIVING[new])
        statement.state = new  # past move_to(): save() refuses it too
        with pytest.raises(PublishedRecordError):
            statement.save()
        return
    statement.move_to(new, **ARRIVING[new])
    statement.full_clean()
    statement.save()  # the CheckConstraint accepts what move_to() left
    statement.refresh_from_db()
    assert statement.state == new
    for name in Statement.STATES[new]["empty"]:
        assert getattr(statement, name) in (None, ""), name


def final(machine, choices) -> set[str]:
    return {value for value in choices.values if not machine.targets(value)}


def frozen_whole(model, row: dict) -> bool:
    """A rule of the model's guard freezes every column of this stored row."""
    return any(
        rule.update and rule.fields in (None, ALL_FIELDS) and row_matches(model, rule.when, row)
        for rule in model.guard.frozen
    )


def test_a_statement_in_a_final_state_is_frozen_whole():
    assert final(Statement.TRANSITIONS, Statement.State) == {Statement.State.DECLINED}
    for state in Statement.State.values:
        assert frozen_whole(Statement, {"state": state}) == (state == Statement.State.DECLINED)


def test_a_proposed_agreement_in_a_closed_state_is_frozen_whole():
    closed = set(Agreement.CLOSED_STATUSES)
    # A draft never carries proposed terms: proposing creates them awaiting signatures.
    assert final(Agreement.TRANSITIONS, Agreement.Status) == closed | {Agreement.Status.DRAFT}
    for status in Agreement.Status.values:
        proposed = {"status": status, "text_sha256": "a" * 64, "activated_at": None}
        assert frozen_whole(Agreement, proposed) == (status in closed)
        assert not frozen_whole(Agreement, {**proposed, "text_sha256": ""})


def raw_update(table: str, pk: int, **columns) -> bool:
    assignments = ", ".join(f"{column} = %s" for column in columns)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # Table and column names are this module's own constants, never input.
            sql = f"UPDATE {table} SET {assignments} WHERE id = %s"  # noqa: S608
            cursor.execute(sql, [*columns.values(), pk])
    except DatabaseError:
        return False
    return True


@pytest.mark.postgres
def test_the_database_walks_every_machine_as_declared():
    refused_wrongly, allowed_wrongly = [], []
    machines = [
        (PromotionReview, review_in, lambda new: {"closed_at": closed_at(new)}),
        (Pair, pair_in, lambda new: {}),
        (Agreement, proposal_in, lambda new: {}),
    ]
    for model, make, extra in machines:
        for old, new in every_move(model.Status):
            row = make(old)
            moved = raw_update(model._meta.db_table, row.pk, status=new, **extra(new))
            if moved and not declared(model.TRANSITIONS, old, new):
                allowed_wrongly.append((model.__name__, old, new))
            if not moved and declared(model.TRANSITIONS, old, new):
                refused_wrongly.append((model.__name__, old, new))
    for old, new in every_move(Statement.State):
        row = STATEMENTS[old]()
        columns = {"state": new, **ARRIVING[new]}
        columns.update({name: STATEMENT_BLANKS[name] for name in Statement.STATES[new]["empty"]})
        columns.pop("text", None)
        moved = raw_update("promotions_statement", row.pk, **columns)
        if moved != declared(Statement.TRANSITIONS, old, new):
            (allowed_wrongly if moved else refused_wrongly).append(("Statement", old, new))
    assert (refused_wrongly, allowed_wrongly) == ([], [])


@pytest.mark.postgres
def test_the_database_lets_unproposed_agreements_move_freely():
    bare = AgreementFactory(status=Agreement.Status.ENDED)
    assert raw_update("agreements_agreement", bare.pk, status="draft")
