"""Factories for agreements.

AgreementFactory/ActiveAgreementFactory make bare rows (no text, no signatures) for apps that
only need an agreement's terms. Signed agreements with real hashes come from the services;
see tests/agreements/conftest.py.
"""

from __future__ import annotations

import factory
from django.utils import timezone

from agreements.models import Agreement, Answer, Question, QuestionnaireSubmission
from tests.factories.mentorship import PairFactory, ProgramFactory

__all__ = [
    "ActiveAgreementFactory",
    "AgreementFactory",
    "AnswerFactory",
    "QuestionFactory",
    "QuestionnaireSubmissionFactory",
]


class AgreementFactory(factory.django.DjangoModelFactory):
    """A draft agreement."""

    class Meta:
        model = Agreement

    pair = factory.SubFactory(PairFactory)
    status = Agreement.Status.DRAFT


class ActiveAgreementFactory(AgreementFactory):
    """An active agreement allowing promotion participation with both statement kinds."""

    status = Agreement.Status.ACTIVE
    confidentiality_scope = Agreement.Scope.AGREED_EXCEPTIONS
    allows_promotion_participation = True
    allows_advocacy = True
    allows_engagement = True
    activated_at = factory.LazyFunction(timezone.now)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    program = factory.SubFactory(ProgramFactory)
    order = factory.Sequence(lambda n: 100 + n)
    text = factory.Sequence(lambda n: f"Statement number {n}.")


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    pair = factory.SubFactory(PairFactory)
    question = factory.LazyAttribute(lambda a: QuestionFactory(program=a.pair.program))
    respondent = factory.LazyAttribute(lambda a: a.pair.mentor)
    value = Answer.Value.AGREE


class QuestionnaireSubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionnaireSubmission

    pair = factory.SubFactory(PairFactory)
    respondent = factory.LazyAttribute(lambda s: s.pair.mentor)
    submitted_at = factory.LazyFunction(timezone.now)
