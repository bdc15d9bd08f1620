"""The consent page's reads, compiled once per process (mentorship.statements.Prepared), against
the permission module's querysets: its statements are exactly visible_to(mentee) on the review
(Statement.objects.about's rows), asked for several people in turn; its review is
of_candidate's; everyone but the candidate gets 404."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from mentorship.models import Pair
from promotions.models import PromotionReview, Statement
from promotions.views import consent_statements
from tests.factories import (
    ActiveAgreementFactory,
    AwaitingConsentStatementFactory,
    PairFactory,
    PromotionReviewFactory,
    SharedStatementFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

NOT_THE_CANDIDATE = [
    "mentor",
    "panel_member",
    "other_panel_member",
    "supervisor",
    "program_admin",
    "superuser",
    "outsider",
]


def visible(user, review) -> list[int]:
    return sorted(
        Statement.objects.visible_to(user).filter(review=review).values_list("pk", flat=True)
    )


@pytest.fixture
def crowded(world):
    """The world's review with a statement in every state from Maria, two from Carol's earlier
    mentor in the program, and around them: Carol's statements in another review, and a
    second candidate's review with statements of its own."""
    for state in ("draft", "awaiting_consent", "shared", "declined", "withdrawn"):
        world.statement(state)
    # Carol's earlier mentor in the program (a mentee has one active pair per program):
    second = PairFactory(program=world.program, mentee=world.mentee, status=Pair.Status.ENDED)
    AwaitingConsentStatementFactory(pair=second, review=world.review)
    SharedStatementFactory(pair=second, review=world.review)
    StatementFactory(pair=second, review=world.review)  # a draft: not Carol's to read
    elsewhere = PromotionReviewFactory(program=world.program, candidate=world.mentee)
    SharedStatementFactory(pair=world.pair, review=elsewhere)
    other = PairFactory(program=world.program)
    ActiveAgreementFactory(pair=other)
    world.other_review = PromotionReviewFactory(program=world.program, candidate=other.mentee)
    world.other_mentee = other.mentee
    AwaitingConsentStatementFactory(pair=other, review=world.other_review)
    SharedStatementFactory(pair=other, review=world.other_review)
    return world


def test_the_rows_are_visible_to_of_the_candidate_in_the_review(crowded):
    world = crowded
    reads = consent_statements(world.mentee, world.review)
    assert sorted(read.pk for read in reads) == visible(world.mentee, world.review)
    assert len(reads) == 6  # four of Maria's states, two of the second mentor's
    for read in reads:
        statement = Statement.objects.with_mentor_name().get(pk=read.pk)
        assert (read.kind, read.text, read.state, read.mentor_name) == (
            statement.kind,
            statement.text,
            statement.state,
            statement.mentor_name,
        )
        assert (read.pair_id, read.pair_mentee_id) == (statement.pair_id, world.mentee.pk)


def test_asked_for_several_people_in_turn_each_gets_their_own(crowded):
    world = crowded
    for _ in range(2):
        for user, review in (
            (world.mentee, world.review),
            (world.other_mentee, world.other_review),
            (world.mentee, world.other_review),
            (world.mentor, world.review),
            (world.panel_member, world.review),
        ):
            found = sorted(read.pk for read in consent_statements(user, review))
            if user.pk == review.candidate_id:
                assert found == visible(user, review)
                assert found
            else:
                assert found == []


def test_in_submission_order(crowded):
    world = crowded
    expected = list(
        Statement.objects.about(world.mentee)
        .filter(review=world.review)
        .order_by("submitted_at", "pk")
        .values_list("pk", flat=True)
    )
    assert [read.pk for read in consent_statements(world.mentee, world.review)] == expected


@pytest.mark.parametrize("role", NOT_THE_CANDIDATE)
def test_everyone_else_gets_404_and_no_row(crowded, client, role):
    world = crowded
    user = world.person(role)
    client.force_login(user)
    assert client.get(world.review.consent_url()).status_code == HTTPStatus.NOT_FOUND
    assert consent_statements(user, world.review) == []


def test_the_candidate_of_another_review_gets_404(crowded, client):
    world = crowded
    client.force_login(world.mentee)
    assert client.get(world.review.consent_url()).status_code == HTTPStatus.OK
    assert client.get(world.other_review.consent_url()).status_code == HTTPStatus.NOT_FOUND
    missing = PromotionReview.objects.order_by("-pk").first().pk + 1000
    response = client.get(reverse("promotions:consent", args=[missing]))
    assert response.status_code == HTTPStatus.NOT_FOUND
