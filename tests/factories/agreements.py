"""Factories for agreements."""

from __future__ import annotations

import factory
from django.utils import timezone

from agreements.models import Agreement
from tests.factories.mentorship import PairFactory

__all__ = ["ActiveAgreementFactory", "AgreementFactory"]


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
