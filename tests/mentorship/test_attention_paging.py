"""The dashboard's attention list reads only as far as the page it shows."""

from __future__ import annotations

import pytest

from mentorship import selectors
from mentorship.selectors import AttentionItem, attention_for


def _items(prefix: str, count: int) -> list[AttentionItem]:
    return [AttentionItem(message=f"{prefix}{n}", url=f"/{prefix}{n}/") for n in range(count)]


@pytest.fixture
def providers(monkeypatch):
    """Three providers of 5, 7 and 4 items, recording the limit each was asked with."""
    asked: list[tuple[str, int | None]] = []

    def provider(prefix: str, count: int):
        def provide(user, limit=None):
            asked.append((prefix, limit))
            return iter(_items(prefix, count)[:limit])

        return provide

    monkeypatch.setattr(
        selectors, "_providers", [provider("a", 5), provider("b", 7), provider("c", 4)]
    )
    return asked


def _messages(items) -> list[str]:
    return [item.message for item in items]


def test_all_items_in_provider_order(providers):
    everything = _messages(attention_for(user=None))
    assert everything == [f"a{n}" for n in range(5)] + [f"b{n}" for n in range(7)] + [
        f"c{n}" for n in range(4)
    ]
    assert providers == [("a", None), ("b", None), ("c", None)]


@pytest.mark.parametrize(("start", "stop"), [(0, 3), (0, 6), (3, 9), (10, 16), (12, 40)])
def test_a_slice_is_the_same_as_slicing_the_whole_list(providers, start, stop):
    whole = _messages(attention_for(user=None))
    assert _messages(attention_for(user=None)[start:stop]) == whole[start:stop]


def test_providers_are_asked_only_for_what_is_missing(providers):
    assert _messages(attention_for(user=None)[0:6]) == ["a0", "a1", "a2", "a3", "a4", "b0"]
    # "a" gave 5 of 6, so "b" was asked for one, and "c" not at all.
    assert providers == [("a", 6), ("b", 1)]


def test_only_slices_are_supported(providers):
    with pytest.raises(TypeError):
        attention_for(user=None)[0]
    with pytest.raises(TypeError):
        attention_for(user=None)[0:10:2]


@pytest.mark.django_db
def test_pairs_are_read_in_a_total_order():
    """Each page of the list is found by computing the list again: rows that tie on the
    model's ordering (same program, same names) must still come in one order, by id last."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mentorship.models import Pair
    from tests.factories import PairFactory, UserFactory

    mentor = UserFactory(full_name="Sam Lee")
    first = PairFactory(mentor=mentor, mentee=UserFactory(full_name="Alex Kim"))
    PairFactory(program=first.program, mentor=mentor, mentee=UserFactory(full_name="Alex Kim"))
    assert Pair.objects.filter(mentor=mentor).count() == 2

    with CaptureQueriesContext(connection) as queries:
        list(attention_for(mentor))

    # On PostgreSQL a prepared statement, run as EXECUTE with its text in a comment.
    pair_reads = [
        q["sql"]
        for q in queries
        if q["sql"].startswith('SELECT "mentorship_pair"')
        or (q["sql"].startswith("EXECUTE") and '/* SELECT "mentorship_pair"' in q["sql"])
    ]
    assert pair_reads, "no provider read the pairs"
    for sql in pair_reads:
        order_by = sql.rsplit("ORDER BY", 1)[1]
        assert '"mentorship_pair"."id" ASC' in order_by, sql
