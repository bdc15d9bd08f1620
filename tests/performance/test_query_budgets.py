"""Every page's query count does not grow when the data grows tenfold, and stays within its
budget.

For each page the same viewer is measured twice: with a cast of size 3 (see worlds.py: their
pairs, agreements, meetings, reviews, statements, showings, plus a seed_scale batch around
them) and after everything grew to size 30. The budget and the list of queries of each page
are in pages.py. The N+1 detector (nplusone.py) also fails any request in which one SELECT
shape runs for each item of a list.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest

from tests.performance.conftest import LARGE, SMALL
from tests.performance.pages import ADMIN_PAGES, PARTICIPANT_PAGES, Page, logged_in

pytestmark = pytest.mark.django_db


def _check(page: Page, scaled, django_assert_max_num_queries) -> None:
    cast = scaled.cast
    small = scaled.small[page.name]
    assert cast.size == LARGE
    client = logged_in(cast, page.viewer)
    url = page.url(cast)
    # The queries, in order: see page.queries (printed below on failure).
    with django_assert_max_num_queries(page.budget) as large:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK, page.name
    assert small.status == HTTPStatus.OK, page.name
    assert not small.repeated, f"N+1 at size {SMALL}: {small.repeated}"
    # Not more at ten times the data. (Fewer is allowed: the dashboard's attention list stops
    # asking further providers once its first page is full, which more data makes likelier.)
    assert len(large) <= small.queries, (
        f"{page.name}: {small.queries} queries at size {SMALL}, {len(large)} at {LARGE} "
        f"({page.queries})"
    )


@pytest.mark.parametrize("page", PARTICIPANT_PAGES, ids=lambda page: page.name)
def test_participant_page_queries_do_not_grow_with_the_data(
    page, scaled, django_assert_max_num_queries
):
    _check(page, scaled, django_assert_max_num_queries)


@pytest.mark.parametrize("page", ADMIN_PAGES, ids=lambda page: page.name)
def test_admin_changelist_queries_do_not_grow_with_the_data(
    page, scaled, django_assert_max_num_queries
):
    _check(page, scaled, django_assert_max_num_queries)
