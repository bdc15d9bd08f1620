"""An N+1 detector for the test client: a request that runs one SELECT shape (the SQL with every
literal replaced by ?) with more than REPEAT_LIMIT different literals fails with that SQL.

A loop that fetches a related row per item shows up as one shape repeated with each item's id,
so with four or more items on a page it is caught here, whatever the page's total query count.
The same lookup repeated with the same literals is a fixed cost (duplication), not a loop.

Active for every test of the suite: tests/conftest.py registers this module as a plugin
(`pytest_plugins`), so its autouse fixture wraps the test client everywhere.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

# Three lookups of one shape with different values (e.g. mentor, mentee, one more) are not yet
# a loop over a list; a fourth is treated as one.
REPEAT_LIMIT = 3

# Django's own per-row work, not ours: the deletion collector walks every related object on
# the admin's delete confirmation, and the admin validates each inline row's foreign keys.
EXEMPT = (
    re.compile(r"^(GET|POST) /admin/.+/delete/$"),
    re.compile(r"^POST /admin/.+/(add|change)/$"),
)

_STRING = re.compile(r"'(?:[^']|'')*'")
_NUMBER = re.compile(r"(?<![\w\"])-?\d+(?:\.\d+)?(?![\w\"])")
_IN_LIST = re.compile(r"\(\s*\?(?:\s*,\s*\?)*\s*\)")
_SPACE = re.compile(r"\s+")


def normalize(sql: str) -> str:
    """The shape of a statement: literals become ?, IN lists become (...)."""
    shape = _STRING.sub("?", sql)
    shape = _NUMBER.sub("?", shape)
    shape = _IN_LIST.sub("(...)", shape)
    return _SPACE.sub(" ", shape).strip()


def repeated_selects(queries: list[dict], limit: int = REPEAT_LIMIT) -> list[tuple[str, int]]:
    """SELECT shapes that ran with more than `limit` different literals, with how often they
    ran, most repeated first."""
    runs: Counter[str] = Counter()
    variants: dict[str, set[str]] = {}
    for query in queries:
        # None when the statement never reached the database (a simulated failure, on
        # PostgreSQL): nothing ran, so nothing repeated.
        sql = query["sql"] or ""
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        shape = normalize(sql)
        runs[shape] += 1
        variants.setdefault(shape, set()).add(sql)
    return [(shape, n) for shape, n in runs.most_common() if len(variants[shape]) > limit]


class NPlusOneError(AssertionError):
    pass


def describe(where: str, problems: list[tuple[str, int]]) -> str:
    lines = [f"N+1 queries in {where}:"]
    lines += [f"  {n}x {shape[:400]}" for shape, n in problems]
    return "\n".join(lines)


@pytest.fixture(autouse=True)
def no_n_plus_one(monkeypatch):
    """Wrap every test-client request: fail it when a SELECT shape loops (see module doc)."""
    original = Client.request

    def checked(self, **request):
        with CaptureQueriesContext(connection) as captured:
            response = original(self, **request)
        where = f"{request.get('REQUEST_METHOD', 'GET')} {request.get('PATH_INFO', '?')}"
        problems = repeated_selects(captured.captured_queries)
        if problems and not any(pattern.match(where) for pattern in EXEMPT):
            raise NPlusOneError(describe(where, problems))
        return response

    monkeypatch.setattr(Client, "request", checked)
