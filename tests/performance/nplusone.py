"""An N+1 detector for the test client: a request that runs the same SELECT shape (the SQL with
every literal replaced by ?) more than REPEAT_LIMIT times fails with the repeated SQL.

A loop that fetches a related row per item shows up as one shape repeated once per item, so
with five or more items on a page it is caught here, whatever the page's total query count.

Active for every test in tests/performance (see its conftest.py). For the whole suite:
`pytest -p tests.performance.nplusone`, or `pytest_plugins = ["tests.performance.nplusone"]`
in tests/conftest.py.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

# Pages call e.g. program.current_guideline() from the view, a predicate and a selector; three
# identical small lookups are duplication, not a loop. A fourth is treated as a loop.
REPEAT_LIMIT = 3

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
    """SELECT shapes that ran more than `limit` times, most repeated first."""
    shapes = Counter(
        normalize(q["sql"]) for q in queries if q["sql"].lstrip().upper().startswith("SELECT")
    )
    return [(shape, n) for shape, n in shapes.most_common() if n > limit]


class NPlusOneError(AssertionError):
    pass


def describe(path: str, problems: list[tuple[str, int]]) -> str:
    lines = [f"N+1 queries in {path}:"]
    lines += [f"  {n}x {shape[:400]}" for shape, n in problems]
    return "\n".join(lines)


@pytest.fixture(autouse=True)
def no_n_plus_one(monkeypatch):
    """Wrap every test-client request: fail it when a SELECT shape repeats (see module doc)."""
    original = Client.request

    def checked(self, **request):
        with CaptureQueriesContext(connection) as captured:
            response = original(self, **request)
        problems = repeated_selects(captured.captured_queries)
        if problems:
            where = f"{request.get('REQUEST_METHOD', 'GET')} {request.get('PATH_INFO', '?')}"
            raise NPlusOneError(describe(where, problems))
        return response

    monkeypatch.setattr(Client, "request", checked)
