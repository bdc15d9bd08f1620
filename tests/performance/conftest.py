"""Performance tests: the N+1 detector (registered for the whole suite in tests/conftest.py)
wraps every test-client request here too, and `scaled` holds the cast measured at size SMALL
and then grown to LARGE = 10 x SMALL for the same people."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import transaction

from tests.performance.pages import PAGES, Measurement, logged_in, measure
from tests.performance.worlds import Cast, build_cast, grow

SMALL = 3
LARGE = 10 * SMALL


@dataclass
class Scaled:
    cast: Cast
    small: dict[str, Measurement]


@pytest.fixture(scope="module")
def scaled(django_db_setup, django_db_blocker):
    """Build once per module in a transaction that is rolled back afterwards; each test then
    runs in a savepoint inside it (pytest-django's usual per-test rollback)."""
    with django_db_blocker.unblock(), transaction.atomic():
        cast = grow(build_cast(), SMALL)
        small = {page.name: measure(logged_in(cast, page.viewer), page.url(cast)) for page in PAGES}
        grow(cast, LARGE)
        yield Scaled(cast=cast, small=small)
        transaction.set_rollback(True)
