"""The consent page shows every statement awaiting a decision and the decided ones a page at a
time (?decided=N; a bad number gives the first page, one past the end the last); ?statement=ID
opens the page holding that statement, which is where a consent, a decline and a withdrawal
redirect, and where the dashboard links."""

from __future__ import annotations

import datetime
import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from promotions.models import Statement, text_sha256
from promotions.views import DECIDED_PER_PAGE
from tests.factories import PromotionReviewFactory

pytestmark = pytest.mark.django_db

DECIDED = 2 * DECIDED_PER_PAGE + 3  # three pages: full, full, three


def shown(body: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<article class="card mb-3" id="statement-(\d+)"', body)]


@pytest.fixture
def long_review(world, client):
    """Three requests awaiting Carol's decision and 23 decided statements, each submitted a
    minute after the one before."""
    start = timezone.now() - datetime.timedelta(days=2)
    states = ["shared", "declined", "withdrawn"]
    world.decided = [
        world.statement(states[n % 3], submitted_at=start + datetime.timedelta(minutes=n)).pk
        for n in range(DECIDED)
    ]
    world.pending = [
        world.statement(
            "awaiting_consent", submitted_at=start + datetime.timedelta(minutes=DECIDED + n)
        ).pk
        for n in range(3)
    ]
    client.force_login(world.mentee)
    return world


def page(client, world, **query) -> str:
    response = client.get(world.review.consent_url(), query)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def test_pending_always_whole_and_decided_a_page_at_a_time(long_review, client):
    world = long_review
    url = world.review.consent_url()
    first = page(client, world)
    assert shown(first) == world.pending + world.decided[:DECIDED_PER_PAGE]
    assert f'href="{url}?decided=2#decided-heading" rel="next"' in first
    assert 'rel="prev"' not in first

    second = page(client, world, decided="2")
    assert shown(second) == world.pending + world.decided[DECIDED_PER_PAGE : 2 * DECIDED_PER_PAGE]
    assert f'href="{url}#decided-heading" rel="prev"' in second
    assert f'href="{url}?decided=3#decided-heading" rel="next"' in second

    third = page(client, world, decided="3")
    assert shown(third) == world.pending + world.decided[2 * DECIDED_PER_PAGE :]
    assert f'href="{url}?decided=2#decided-heading" rel="prev"' in third
    assert 'rel="next"' not in third
    assert 'id="decided-heading"' in third


@pytest.mark.parametrize("number", ["", "0", "-3", "x", "1.5", "2a", "1e3"])
def test_a_bad_page_number_gives_the_first_page(long_review, client, number):
    world = long_review
    assert shown(page(client, world, decided=number)) == shown(page(client, world))


@pytest.mark.parametrize("number", ["4", "99", "9" * 40])
def test_a_page_past_the_end_gives_the_last(long_review, client, number):
    world = long_review
    assert shown(page(client, world, decided=number)) == shown(page(client, world, decided="3"))


def test_statement_opens_its_page(long_review, client):
    world = long_review
    for position, pk in enumerate(world.decided):
        assert pk in shown(page(client, world, statement=str(pk))), position
    # A pending one, an unknown id or another review's statement: the first page.
    first = shown(page(client, world))
    other = world.statement("shared", review=PromotionReviewFactory(candidate=world.mentee))
    for wanted in (world.pending[0], 0, "x", other.pk):
        assert shown(page(client, world, statement=str(wanted))) == first
    # ?decided wins.
    assert shown(page(client, world, statement=world.decided[-1], decided="1")) == first


def test_few_decided_statements_have_no_pager(world, client):
    for _ in range(DECIDED_PER_PAGE):
        world.statement("declined")
    client.force_login(world.mentee)
    body = page(client, world)
    assert len(shown(body)) == DECIDED_PER_PAGE
    assert "More decided statements" not in body


@pytest.mark.parametrize("action", ["consent", "decline", "withdraw"])
def test_an_answer_lands_on_its_row(long_review, client, action):
    world = long_review
    if action == "withdraw":
        # The last shared statement: on the last page of decided ones.
        pk = next(pk for pk in reversed(world.decided) if state_of(pk) == Statement.State.SHARED)
        data = {}
    else:
        # The last request submitted: once decided, the last decided statement.
        pk = world.pending[-1]
        text = Statement.objects.get(pk=pk).text
        data = {"text_sha256": text_sha256(text)} if action == "consent" else {"reason": ""}
    response = client.post(reverse(f"promotions:statement_{action}", args=[pk]), data)
    assert response.status_code == HTTPStatus.FOUND
    assert (
        state_of(pk)
        == {
            "consent": Statement.State.SHARED,
            "decline": Statement.State.DECLINED,
            "withdraw": Statement.State.WITHDRAWN,
        }[action]
    )
    url = response["Location"]
    assert url == f"{world.review.consent_url()}?statement={pk}#statement-{pk}"
    assert pk in shown(client.get(url).content.decode())
    assert pk not in shown(page(client, world))  # not on the first page


def state_of(pk: int) -> str:
    return Statement.objects.get(pk=pk).state
