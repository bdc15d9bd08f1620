"""Shared fixtures. Tests run on SQLite by default; DATABASE_URL points them at PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection

# The N+1 detector wraps every test-client request of the whole suite (its autouse fixture).
# Registered here once; tests/performance/conftest.py imports the same fixture, and pytest
# resolves one name to one fixture, so a request there is still checked once.
pytest_plugins = ["tests.performance.nplusone"]


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config, items):
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL to a postgres:// URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
