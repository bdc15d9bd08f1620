"""Closing a review freezes its panel, also when the same admin save changes the panel."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse

from promotions.models import PanelSeat
from tests.factories import UserFactory
from tests.outbox import deliver_after
from tests.promotions.test_admin import review_form_data

pytestmark = pytest.mark.django_db

REFUSED = "A closed review&#x27;s panel cannot change."


def _change(client, world, data):
    client.force_login(world.program_admin)
    return client.post(
        reverse("admin:promotions_promotionreview_change", args=[world.review.pk]), data
    )


def _with_new_member(world, data, newcomer):
    n = int(data["seats-TOTAL_FORMS"])
    data.update(
        {
            "seats-TOTAL_FORMS": str(n + 1),
            f"seats-{n}-review": world.review.pk,
            f"seats-{n}-user": newcomer.pk,
        }
    )
    return data


def test_closing_and_adding_a_member_in_one_save_changes_nothing(world, client):
    newcomer = UserFactory(full_name="Nina Late")
    data = _with_new_member(world, review_form_data(world.review, status="closed"), newcomer)

    with deliver_after():
        response = _change(client, world, data)

    assert response.status_code == HTTPStatus.OK
    assert REFUSED in response.content.decode()
    world.review.refresh_from_db()
    assert world.review.status == "open"
    assert not PanelSeat.objects.filter(review=world.review, user=newcomer).exists()
    assert mail.outbox == []


def test_closing_and_removing_a_member_in_one_save_changes_nothing(world, client):
    seats = list(PanelSeat.objects.filter(review=world.review))
    data = review_form_data(world.review, status="closed", **{"seats-0-DELETE": "on"})

    response = _change(client, world, data)

    assert REFUSED in response.content.decode()
    world.review.refresh_from_db()
    assert world.review.status == "open"
    assert set(PanelSeat.objects.filter(review=world.review)) == set(seats)


def test_closing_without_touching_the_panel_still_works(world, client):
    _change(client, world, review_form_data(world.review, status="closed"))
    world.review.refresh_from_db()
    assert world.review.status == "closed"


def test_an_open_review_still_gets_a_new_member_and_can_be_closed_afterwards(world, client):
    newcomer = UserFactory(full_name="Nina Early")
    _change(client, world, _with_new_member(world, review_form_data(world.review), newcomer))
    assert PanelSeat.objects.filter(review=world.review, user=newcomer).exists()

    _change(client, world, review_form_data(world.review, status="closed"))
    world.review.refresh_from_db()
    assert world.review.status == "closed"
