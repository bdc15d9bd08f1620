"""Shared fixtures. Tests run on SQLite by default; DATABASE_URL points them at PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection


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
