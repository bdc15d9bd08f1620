"""One review of Carol (mentored by Maria under an active agreement), and everyone around it:
the review world of tests/factories/worlds.py, fresh for each test."""

from __future__ import annotations

import re

import pytest
from django.db import transaction

from agreements.models import Agreement
from agreements.signals import agreement_closed
from tests.factories.worlds import ReviewWorld, build_review_world

CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def without_csrf(body: bytes) -> bytes:
    return CSRF_INPUT.sub(b'name="csrfmiddlewaretoken" value=""', body)


@pytest.fixture
def world(db) -> ReviewWorld:
    return build_review_world()


def close_agreement(agreement: Agreement, *, status: str, successor: Agreement | None = None):
    """End or supersede an agreement the way agreements.services does: in one transaction,
    the old row's status saved first, the successor (if any) active, then the signal."""
    with transaction.atomic():
        agreement.status = status
        agreement.save()
        if successor is not None:
            successor.status = Agreement.Status.ACTIVE
            successor.save()
        agreement_closed.send(sender=Agreement, agreement=agreement, successor=successor)
