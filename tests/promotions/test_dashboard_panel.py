"""My mentoring, for a panel member: the open reviews on their panels, the closed ones apart,
and nothing that depends on mentor input."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from promotions.models import PromotionReview
from tests.factories import PanelSeatFactory, PromotionReviewFactory
from tests.promotions.conftest import without_csrf

pytestmark = pytest.mark.django_db


def dashboard(client, user, **params) -> str:
    client.force_login(user)
    response = client.get(reverse("mentorship:dashboard"), params)
    assert response.status_code == 200
    return without_csrf(response.content).decode()


def section(page: str, key: str) -> str:
    start = page.index(f'<section id="{key}"')
    return page[start : page.index("</section>", start)]


def closed_review(world, **fields) -> PromotionReview:
    review = PromotionReviewFactory(program=world.program, **fields)
    PanelSeatFactory(review=review, user=world.panel_member)
    review.status = PromotionReview.Status.CLOSED
    review.closed_at = timezone.now()
    review.save(update_fields=["status", "closed_at"])
    return review


def test_lee_finds_the_open_review_one_click_away(world, client):
    page = dashboard(client, world.panel_member)
    panel = section(page, "panel")
    assert "Open reviews" in panel
    assert "Carol Chen, for Team lead" in panel
    assert f'href="{world.review.get_absolute_url()}"' in panel
    assert "Read the review" in panel
    # Lee has no pair: he is not told to ask a program admin for one.
    assert "ask yours" not in page
    assert "You have no pairs" not in page


def test_closed_reviews_are_listed_apart_and_folded(world, client):
    old = closed_review(world, target_role="Principal")
    panel = section(dashboard(client, world.panel_member), "panel")
    open_part, closed_part = panel.split("<details", 1)
    assert world.review.get_absolute_url() in open_part
    assert old.get_absolute_url() not in open_part
    assert "Closed reviews" in closed_part
    assert old.get_absolute_url() in closed_part
    assert world.review.get_absolute_url() not in closed_part


def test_with_only_closed_reviews_the_open_list_says_so(world, client):
    world.close_review()
    panel = section(dashboard(client, world.panel_member), "panel")
    assert "None of the reviews on whose panel you sit is open." in panel


def test_a_long_panel_history_is_paged(world, client):
    for n in range(12):
        closed_review(world, target_role=f"Role {n}")
    first = section(dashboard(client, world.panel_member), "panel")
    assert "panel_closed=2" in first
    second = section(dashboard(client, world.panel_member, panel_closed=2), "panel")
    assert second.count("Read the review") == 1 + 2  # the open one, and the last two closed


@pytest.mark.parametrize(
    "role", ["mentor", "mentee", "supervisor", "program_admin", "superuser", "outsider"]
)
def test_no_panel_section_for_whoever_is_not_on_a_panel(world, client, role):
    page = dashboard(client, world.person(role))
    assert 'id="panel"' not in page
    assert "Read the review" not in page


def test_another_panels_member_sees_only_her_own_review(world, client):
    panel = section(dashboard(client, world.other_panel_member), "panel")
    assert "Other role" in panel
    assert world.review.get_absolute_url() not in panel


@pytest.mark.parametrize(
    "states",
    [
        ["draft"],
        ["awaiting_consent"],
        ["shared"],
        ["declined"],
        ["withdrawn"],
        ["shared", "declined", "withdrawn", "awaiting_consent"],
    ],
)
def test_the_panel_members_dashboard_is_the_same_whatever_mentors_gave(world, client, states):
    closed = closed_review(world, target_role="Principal")
    baseline = dashboard(client, world.panel_member)
    kinds = iter(["advocacy", "engagement"] * 3)
    for state in states:
        world.statement(state, kind=next(kinds))
    assert dashboard(client, world.panel_member) == baseline
    assert closed.get_absolute_url() in baseline


def test_open_reviews_come_soonest_decision_first_with_the_date_shown(world, client):
    soon = PromotionReviewFactory(
        program=world.program, target_role="Soon role", decision_date=datetime.date(2026, 4, 2)
    )
    later = PromotionReviewFactory(
        program=world.program, target_role="Later role", decision_date=datetime.date(2026, 6, 9)
    )
    for review in (later, soon):
        PanelSeatFactory(review=review, user=world.panel_member)
    panel = section(dashboard(client, world.panel_member), "panel")
    assert (
        panel.index("Soon role") < panel.index("Later role") < panel.index(world.review.target_role)
    )  # the world's review has no decision date: after the dated ones
    assert "decision due 2 April 2026" in panel
    assert "decision due 9 June 2026" in panel
