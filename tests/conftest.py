"""Shared fixtures. Tests run on SQLite by default; DATABASE_URL points them at PostgreSQL."""

from __future__ import annotations

import sys
from collections import Counter

import pytest
from django.db import connection

# The N+1 detector wraps every test-client request of the whole suite (its autouse fixture).
# Registered here once; tests/performance/conftest.py imports the same fixture, and pytest
# resolves one name to one fixture, so a request there is still checked once.
pytest_plugins = ["tests.performance.nplusone"]


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def program_admin(db):
    """Hana, staff in the "Program admins" group. A module whose tests want her signed in
    overrides this with a fixture of the same name that asks for it and logs her in."""
    from tests.factories import ProgramAdminFactory  # models load after Django is set up

    return ProgramAdminFactory(username="hana", full_name="Hana Okafor")


def pytest_collection_modifyitems(config, items):
    """Each property is proved on the database where it can differ.

    On SQLite (the default) everything runs but what is marked `postgres`. With DATABASE_URL
    pointing at PostgreSQL, what is marked `any_database` is left out: those tests prove nothing
    the database adds (pure Python, HTTP permissions and disclosure, the browser), and SQLite's
    run has proved it. Unmarked modules run on both, so a new test is on PostgreSQL until
    someone decides it need not be.
    """
    if connection.vendor == "postgresql":
        left_out = [item for item in items if "any_database" in item.keywords]
        if left_out:
            config.hook.pytest_deselected(items=left_out)
            items[:] = [item for item in items if "any_database" not in item.keywords]
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL to a postgres:// URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


# The security suite's counts from pytest-xdist workers (tests/security/conftest.py).
WORKER_STATS: Counter[str] = Counter()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    WORKER_STATS.update(getattr(node, "workeroutput", {}).get("security_stats", {}))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    # Handed over by the workers, or counted in this very process when it ran the tests.
    security = sys.modules.get("tests.security.conftest")
    stats = WORKER_STATS + (security.STATS if security else Counter())
    if not stats:
        return
    terminalreporter.section("security suite")
    for key in sorted(stats):
        terminalreporter.write_line(f"{key}: {stats[key]}")
