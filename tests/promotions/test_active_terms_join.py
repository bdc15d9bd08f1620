"""The consent page reads each pair's active agreement from its statement query's join
(StatementQuerySet.with_active_terms + active_terms_of) instead of a second query:
the permission checks must then see exactly the agreement, and the terms, that
permissions.active_agreement would read from the database."""

from __future__ import annotations

import pytest

from agreements.models import Agreement
from promotions.models import Statement
from promotions.permissions import active_agreement, agreement_gate, can_grant_consent
from promotions.querysets import active_terms_of
from tests.factories import ActiveAgreementFactory, PairFactory, PromotionReviewFactory
from tests.promotions.conftest import close_agreement

pytestmark = pytest.mark.django_db


def read_as_the_consent_page(world, *reviews) -> list[Statement]:
    statements = list(
        Statement.objects.about(world.mentee)
        .filter(review__in=reviews or [world.review])
        .with_active_terms()
        .select_related("pair", "review")
    )
    for statement in statements:
        # Where the consent page puts them (promotions.views._consent_pairs).
        statement.pair.promotions_active_agreements = active_terms_of(
            statement._state.db, statement
        )
    return statements


def assert_same_as_the_database(world, statements) -> None:
    assert statements
    for statement in statements:
        joined = active_agreement(statement.pair)
        stored = Agreement.objects.active_for(statement.pair)
        assert (joined and joined.pk) == (stored and stored.pk)
        for kind in Statement.Kind.values:
            assert agreement_gate(statement.pair, kind) == agreement_gate(
                statement.pair, kind, agreement=stored
            )
        fresh = Statement.objects.select_related("pair", "review").get(pk=statement.pk)
        assert can_grant_consent(world.mentee, statement) == can_grant_consent(world.mentee, fresh)


def test_terms_that_allow_both_kinds(world):
    world.statement("awaiting_consent", kind="advocacy")
    world.statement("awaiting_consent", kind="engagement")
    statements = read_as_the_consent_page(world)
    assert_same_as_the_database(world, statements)
    assert all(can_grant_consent(world.mentee, s) for s in statements)


@pytest.mark.parametrize(
    "terms",
    [
        {"allows_promotion_participation": False},
        {"allows_advocacy": False},
        {"allows_engagement": False},
    ],
)
def test_terms_that_forbid(world, terms):
    world.statement("awaiting_consent", kind="advocacy")
    world.statement("awaiting_consent", kind="engagement")
    for name, value in terms.items():
        setattr(world.agreement, name, value)
    world.agreement.save()
    statements = read_as_the_consent_page(world)
    assert_same_as_the_database(world, statements)
    assert not all(can_grant_consent(world.mentee, s) for s in statements)


def test_no_active_agreement_any_more(world):
    world.statement("awaiting_consent")
    close_agreement(world.agreement, status=Agreement.Status.ENDED)
    statements = read_as_the_consent_page(world)
    assert_same_as_the_database(world, statements)
    assert [active_agreement(s.pair) for s in statements] == [None] * len(statements)
    assert not any(can_grant_consent(world.mentee, s) for s in statements)


def test_each_pair_gets_its_own_agreement(world):
    """A second mentor of the same mentee (in another program, one pair per program): read in
    one query, the join must not lend one pair's terms to the other."""
    other_pair = PairFactory(mentee=world.mentee)
    other_terms = ActiveAgreementFactory(pair=other_pair, allows_advocacy=False)
    other_review = PromotionReviewFactory(program=other_pair.program, candidate=world.mentee)
    world.statement("awaiting_consent", kind="advocacy")
    world.statement("awaiting_consent", kind="advocacy", pair=other_pair, review=other_review)
    statements = read_as_the_consent_page(world, world.review, other_review)
    assert_same_as_the_database(world, statements)
    by_pair = {s.pair_id: active_agreement(s.pair).pk for s in statements}
    assert by_pair == {world.pair.pk: world.agreement.pk, other_pair.pk: other_terms.pk}
    assert {s.pair_id: can_grant_consent(world.mentee, s) for s in statements} == {
        world.pair.pk: True,
        other_pair.pk: False,
    }
