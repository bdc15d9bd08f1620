"""The N+1 detector tells a loop over items from a page's fixed queries."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import path

from mentorship.models import Pair
from mentorship.selectors import page_of
from tests.factories import PairFactory
from tests.performance.nplusone import REPEAT_LIMIT, NPlusOneError, normalize, repeated_selects

pytestmark = pytest.mark.any_database


def test_literals_and_in_lists_do_not_make_shapes_differ():
    assert normalize("SELECT * FROM t WHERE id = 12 AND name = 'O''Brien'") == normalize(
        "SELECT * FROM t WHERE id = 7 AND name = 'x'"
    )
    assert normalize('SELECT "t"."a1" FROM t WHERE id IN (1, 2, 3)') == (
        'SELECT "t"."a1" FROM t WHERE id IN (...)'
    )


def test_a_shape_repeated_per_item_is_reported_once_with_its_count():
    # Captured SQL as Django logs it: literals inlined.
    loop = [{"sql": "SELECT * FROM meeting WHERE pair_id = " + str(n)} for n in range(5)]  # noqa: S608
    fixed = [{"sql": "SELECT * FROM session WHERE key = 'k'"}]
    writes = [{"sql": "INSERT INTO t VALUES (" + str(n) + ")"} for n in range(10)]  # noqa: S608
    found = repeated_selects(loop + fixed + writes)
    assert found == [("SELECT * FROM meeting WHERE pair_id = ?", 5)]
    assert repeated_selects(loop[:REPEAT_LIMIT] + fixed + writes) == []


def looping_view(request):
    names = [str(pair.mentor) for pair in Pair.objects.all()]  # one user query per pair
    return HttpResponse(", ".join(names))


urlpatterns = [path("loop/", looping_view)]


@pytest.mark.django_db
def test_the_detector_fails_a_request_with_a_loop(client, settings):
    settings.ROOT_URLCONF = __name__
    PairFactory.create_batch(REPEAT_LIMIT + 1)
    with pytest.raises(NPlusOneError, match=r"N\+1 queries in GET /loop/"):
        client.get("/loop/")


@pytest.mark.django_db
def test_a_fixed_number_of_queries_passes(client, settings):
    settings.ROOT_URLCONF = __name__
    PairFactory.create_batch(REPEAT_LIMIT)
    assert client.get("/loop/").status_code == HTTPStatus.OK


def test_page_of_fetches_one_extra_row_instead_of_counting():
    request = RequestFactory().get("/list/", {"page": "2", "q": "x"})
    page = page_of(request, list(range(45)), per_page=20)
    assert list(page) == list(range(20, 40))
    assert page.has_previous
    assert page.has_next
    assert page.previous_url == "/list/?q=x"
    assert page.next_url == "/list/?page=3&q=x"
    last = page_of(RequestFactory().get("/list/", {"page": "3"}), list(range(45)), per_page=20)
    assert list(last) == list(range(40, 45))
    assert not last.has_next
    junk = page_of(RequestFactory().get("/list/", {"page": "x"}), [], per_page=20)
    assert junk.number == 1
    assert not junk
    assert not junk.has_other_pages


def test_a_statement_that_never_ran_is_not_counted():
    # PostgreSQL's debug cursor logs sql=None for a statement that failed before running.
    queries = [{"sql": None}] + [{"sql": "SELECT * FROM t WHERE id = " + str(n)} for n in range(3)]  # noqa: S608
    assert repeated_selects(queries) == []
