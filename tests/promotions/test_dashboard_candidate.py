"""My mentoring, for the candidate: what they may still decline (requests awaiting consent) or
withdraw (shared input), while the review is open, each one click from the consent page."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from tests.factories import PairFactory, PromotionReviewFactory, SharedStatementFactory

pytestmark = pytest.mark.django_db

SHARED = "You consented to the panel of your review for Team lead reading Maria Lopez's"


def dashboard(client, user, **params) -> str:
    client.force_login(user)
    response = client.get(reverse("mentorship:dashboard"), params)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_carol_is_asked_to_decide_on_a_request(world, client):
    statement = world.statement("awaiting_consent", text="Carol grew a lot.")
    page = dashboard(client, world.mentee)
    assert "Maria Lopez asks for your consent" in page
    assert f'href="{world.review.consent_url()}#statement-{statement.pk}"' in page
    assert "Carol grew a lot." not in page


def test_carol_finds_shared_input_she_may_withdraw(world, client):
    statement = world.statement("shared", text="Carol grew a lot.")
    page = dashboard(client, world.mentee)
    assert 'id="consents"' in page
    assert f"{SHARED} advocacy input." in page
    # The consent page opens the page of decided statements that holds it.
    assert (
        f'href="{world.review.consent_url()}?statement={statement.pk}#statement-{statement.pk}"'
        in page
    )
    assert "Read or withdraw" in page
    assert "Carol grew a lot." not in page


@pytest.mark.parametrize("state", ["draft", "declined", "withdrawn"])
def test_nothing_to_withdraw_unless_shared(world, client, state):
    world.statement(state)
    page = dashboard(client, world.mentee)
    assert 'id="consents"' not in page
    assert "Read or withdraw" not in page


def test_a_closed_review_offers_nothing_to_withdraw(world, client):
    world.statement("shared")
    world.close_review()
    page = dashboard(client, world.mentee)
    assert 'id="consents"' not in page
    assert SHARED not in page


@pytest.mark.parametrize(
    "role",
    ["mentor", "panel_member", "supervisor", "program_admin", "superuser", "outsider"],
)
def test_nobody_else_is_offered_the_candidates_consent(world, client, role):
    world.statement("shared")
    page = dashboard(client, world.person(role))
    assert 'id="consents"' not in page
    assert world.review.consent_url() not in page


def test_another_candidates_shared_input_is_not_listed(world, client):
    other = PromotionReviewFactory(program=world.program, target_role="Staff engineer")
    pair = PairFactory(program=world.program, mentee=other.candidate)
    SharedStatementFactory(pair=pair, review=other)
    assert 'id="consents"' not in dashboard(client, world.mentee)
