"""The decision date: asked for when a review is opened, shown to the panel; the panel's list
puts running reviews first, soonest decision first, and closed ones apart below."""

from __future__ import annotations

import datetime
import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from promotions.models import PromotionReview
from tests.factories import PanelSeatFactory, PromotionReviewFactory

pytestmark = pytest.mark.django_db


def add_review(client, world, **extra):
    return client.post(
        reverse("admin:promotions_promotionreview_add"),
        {
            "program": world.program.pk,
            "candidate": world.mentee.pk,
            "target_role": "Head of projects",
            "supervisor": world.supervisor.pk,
            "seats-TOTAL_FORMS": "0",
            "seats-INITIAL_FORMS": "0",
            "seats-MIN_NUM_FORMS": "0",
            "seats-MAX_NUM_FORMS": "1000",
            "_save": "Save",
            **extra,
        },
    )


def test_a_new_review_needs_a_decision_date_and_keeps_what_was_typed(world, client):
    client.force_login(world.program_admin)

    response = add_review(client, world)

    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "This field is required." in body
    assert 'value="Head of projects"' in body
    assert not PromotionReview.objects.filter(target_role="Head of projects").exists()


def test_with_a_decision_date_the_review_is_opened(world, client):
    client.force_login(world.program_admin)

    response = add_review(client, world, decision_date="2031-03-15")

    assert response.status_code == HTTPStatus.FOUND
    review = PromotionReview.objects.get(target_role="Head of projects")
    assert review.decision_date == datetime.date(2031, 3, 15)


def test_an_existing_review_without_a_date_can_still_be_saved(world, client):
    assert world.review.decision_date is None
    client.force_login(world.program_admin)
    response = client.post(
        reverse("admin:promotions_promotionreview_change", args=[world.review.pk]),
        {
            "target_role": world.review.target_role,
            "supervisor": world.review.supervisor_id,
            "decision_date": "",
            "status": "open",
            "seats-TOTAL_FORMS": "0",
            "seats-INITIAL_FORMS": "0",
            "seats-MIN_NUM_FORMS": "0",
            "seats-MAX_NUM_FORMS": "1000",
            "_save": "Save",
        },
    )
    assert response.status_code == HTTPStatus.FOUND


def test_the_panel_page_shows_the_decision_date(world, client):
    world.review.decision_date = datetime.date(2031, 3, 15)
    world.review.save(update_fields=["decision_date"])
    client.force_login(world.panel_member)

    body = client.get(world.review.get_absolute_url()).content.decode()

    assert "decision due 15 March 2031" in body


def seat(world, *, role, decision_date=None, status="open"):
    review = PromotionReviewFactory(
        program=world.program, target_role=role, decision_date=decision_date, status=status
    )
    PanelSeatFactory(review=review, user=world.panel_member)
    return review


def test_the_panel_index_lists_running_reviews_soonest_first_and_closed_apart(world, client):
    seat(world, role="Closed role", decision_date=datetime.date(2030, 1, 1), status="closed")
    seat(world, role="Late role", decision_date=datetime.date(2031, 9, 1))
    seat(world, role="Undated role")
    seat(world, role="Soon role", decision_date=datetime.date(2031, 2, 1))
    client.force_login(world.panel_member)

    body = client.get(reverse("promotions:index")).content.decode()

    open_list = body[body.index('class="list-group panel-open"') : body.index("panel-closed")]
    closed_list = body[body.index('class="list-group panel-closed"') :]
    roles = re.findall(r"for (Soon|Late|Undated) role", open_list)
    assert roles == ["Soon", "Late", "Undated"]  # dated ones soonest first, undated after
    assert "decision due 1 February 2031" in open_list
    assert "Closed role" in closed_list
    assert "Closed role" not in open_list
    assert "ask your program admin" not in body.lower()


def test_the_panel_index_without_closed_reviews_has_no_closed_section(world, client):
    client.force_login(world.panel_member)
    body = client.get(reverse("promotions:index")).content.decode()
    assert "panel-open" in body
    assert "panel-closed" not in body


def test_someone_on_no_review_is_told_how_one_reaches_them(world, client):
    client.force_login(world.outsider)
    body = client.get(reverse("promotions:index")).content.decode()
    assert "You are not involved in any promotion review" in body
    assert "program admin" not in body.lower().split("you are not involved")[1][:300]
