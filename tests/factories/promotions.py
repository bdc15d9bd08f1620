"""Factories for promotion reviews, panels, statements and breach phrases.

A statement's pair and review agree by construction: the review's candidate is the pair's
mentee, in the pair's program. Pass `pair=` (or `review=` and `pair=` together) to place it.
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from promotions.models import (
    BreachPhrase,
    PanelSeat,
    PromotionReview,
    Statement,
    StatementView,
    text_sha256,
)
from tests.factories.mentorship import PairFactory, ProgramFactory, UserFactory

__all__ = [
    "AwaitingConsentStatementFactory",
    "BreachPhraseFactory",
    "DeclinedStatementFactory",
    "PanelSeatFactory",
    "PromotionReviewFactory",
    "SharedStatementFactory",
    "StatementFactory",
    "StatementViewFactory",
    "WithdrawnStatementFactory",
]


def _earlier(minutes: int):
    return factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(minutes=minutes))


# Who staffs reviews unless a test says otherwise: one person holding no role in any of them
# (separation of duties: nobody gives themselves a role in a review).
STAFFER = {"username": "staffer", "full_name": "Stella Staffer"}


class PromotionReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PromotionReview

    program = factory.SubFactory(ProgramFactory)
    candidate = factory.SubFactory(UserFactory)
    supervisor = factory.SubFactory(UserFactory)
    supervisor_assigned_by = factory.SubFactory(UserFactory, **STAFFER)
    opened_by = factory.SelfAttribute("supervisor_assigned_by")
    target_role = "Project team lead"
    status = PromotionReview.Status.OPEN
    closed_at = factory.LazyAttribute(
        lambda r: timezone.now() if r.status == PromotionReview.Status.CLOSED else None
    )


class PanelSeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PanelSeat

    review = factory.SubFactory(PromotionReviewFactory)
    user = factory.SubFactory(UserFactory)
    added_by = factory.SubFactory(UserFactory, **STAFFER)


class StatementFactory(factory.django.DjangoModelFactory):
    """A draft advocacy statement by the pair's mentor about the review's candidate."""

    class Meta:
        model = Statement

    pair = factory.SubFactory(PairFactory)
    review = factory.SubFactory(
        PromotionReviewFactory,
        program=factory.SelfAttribute("..pair.program"),
        candidate=factory.SelfAttribute("..pair.mentee"),
    )
    kind = Statement.Kind.ADVOCACY
    text = factory.Sequence(lambda n: f"I have seen real growth in my mentee's listening ({n}).")
    state = Statement.State.DRAFT


class AwaitingConsentStatementFactory(StatementFactory):
    state = Statement.State.AWAITING_CONSENT
    submitted_at = _earlier(60)


class SharedStatementFactory(AwaitingConsentStatementFactory):
    state = Statement.State.SHARED
    consented_at = _earlier(30)
    consent_text_sha256 = factory.LazyAttribute(lambda s: text_sha256(s.text))


class DeclinedStatementFactory(AwaitingConsentStatementFactory):
    state = Statement.State.DECLINED
    declined_at = _earlier(30)
    decline_reason = "I would rather speak for myself."


class WithdrawnStatementFactory(SharedStatementFactory):
    state = Statement.State.WITHDRAWN
    withdrawn_at = _earlier(10)
    withdrawal_cause = Statement.WithdrawalCause.MENTEE


class StatementViewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatementView

    statement = factory.SubFactory(SharedStatementFactory)
    viewer = factory.SubFactory(UserFactory)
    viewed_at = factory.LazyFunction(timezone.now)
    text_sha256 = factory.LazyAttribute(lambda v: text_sha256(v.statement.text))


class BreachPhraseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BreachPhrase

    program = factory.SubFactory(ProgramFactory)
    phrase = factory.Sequence(lambda n: f"not a team player {n}")
    explanation = "Judges the person as an employee."
