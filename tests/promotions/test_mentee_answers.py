"""permissions.MenteeAnswers, the consent page's per-page form of can_grant_consent,
can_decline and can_withdraw, gives the three predicates' answers for every statement of the
review: in every state and kind, review open or closed, under every state of the pair's terms,
for the candidate (through the page's own rows and pairs) and for people who are not the
statement's subject."""

from __future__ import annotations

import pytest
from django.db import router

from agreements.models import Agreement
from mentorship.models import Pair
from promotions.models import PromotionReview, Statement
from promotions.permissions import (
    MENTEE_ANSWERS,
    MenteeAnswers,
    can_decline,
    can_grant_consent,
    can_withdraw,
)
from promotions.views import _consent_pairs, consent_statements
from tests.promotions.conftest import close_agreement

pytestmark = pytest.mark.django_db

PREDICATES = {"consent": can_grant_consent, "decline": can_decline, "withdraw": can_withdraw}
STATES = ("draft", "awaiting_consent", "shared", "declined", "withdrawn")
TERMS = ("allowed", "no_advocacy", "no_participation", "no_agreement", "pair_ended")


def test_every_answer_has_its_predicate():
    assert set(MENTEE_ANSWERS) == set(PREDICATES)


def _set_terms(world, terms: str) -> None:
    if terms == "no_advocacy":
        world.agreement.allows_advocacy = False
        world.agreement.save(update_fields=["allows_advocacy"])
    elif terms == "no_participation":
        world.agreement.allows_promotion_participation = False
        world.agreement.save(update_fields=["allows_promotion_participation"])
    elif terms == "no_agreement":
        close_agreement(world.agreement, status=Agreement.Status.ENDED)
    elif terms == "pair_ended":
        Pair.objects.filter(pk=world.pair.pk).update(status=Pair.Status.ENDED)


@pytest.mark.parametrize("closed", [False, True], ids=["open", "closed"])
@pytest.mark.parametrize("terms", TERMS)
def test_the_page_form_agrees_with_the_predicates(world, terms, closed):
    made = [
        world.statement(state, kind=kind) for state in STATES for kind in ("advocacy", "engagement")
    ]
    _set_terms(world, terms)
    if closed:
        world.close_review()
    review = PromotionReview.objects.get(pk=world.review.pk)

    # The candidate, through the page's own reads: every statement she may see.
    reads = consent_statements(world.mentee, review)
    assert {read.pk for read in reads} == {s.pk for s in made if s.state != "draft"}
    pairs = _consent_pairs(reads, router.db_for_read(Statement))
    answers = MenteeAnswers(world.mentee, review)
    seen = set()
    for read in reads:
        statement = Statement.objects.get(pk=read.pk)  # pair, agreement and review read lazily
        for answer, predicate in PREDICATES.items():
            expected = predicate(world.mentee, statement)
            page = answers.may(answer, pairs[read.pair_id], read.kind, read.state)
            assert page == expected, (answer, read.state, read.kind, terms, closed)
            seen.add((answer, expected))
    if not closed:
        # Each answer is given somewhere (consent only where the terms allow a kind).
        assert ("decline", True) in seen
        if terms != "no_agreement":  # ending the agreement withdrew every shared statement
            assert ("withdraw", True) in seen
        if terms in ("allowed", "no_advocacy"):
            assert ("consent", True) in seen
    assert ("consent", False) in seen

    # Anyone else, with the statement's own pair: never.
    for role in ("mentor", "panel_member", "supervisor", "outsider"):
        user = world.person(role)
        others = MenteeAnswers(user, review)
        for statement in made:
            statement = Statement.objects.get(pk=statement.pk)
            for answer, predicate in PREDICATES.items():
                page = others.may(answer, statement.pair, statement.kind, statement.state)
                assert page == predicate(user, statement) is False
