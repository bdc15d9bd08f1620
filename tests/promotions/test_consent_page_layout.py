"""The candidate's consent page: requests waiting for a decision first, then decided ones, in
a stable order; the decline reason is not between the two buttons; a closed review says so and
offers nothing; each shared statement is one click from withdrawal."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from promotions.models import Statement

pytestmark = pytest.mark.django_db


def consent_page(client, world) -> str:
    response = client.get(world.review.consent_url())
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def order_of(body: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<article class="card mb-3" id="statement-(\d+)"', body)]


def test_pending_requests_come_first_then_decided_ones(world, client):
    shared = world.statement("shared")
    pending_one = world.statement("awaiting_consent")
    declined = world.statement("declined")
    pending_two = world.statement("awaiting_consent")
    client.force_login(world.mentee)

    body = consent_page(client, world)

    order = order_of(body)
    assert set(order[:2]) == {pending_one.pk, pending_two.pk}
    assert set(order[2:]) == {shared.pk, declined.pk}
    assert body.index("Waiting for your decision") < body.index(">Decided<")
    assert order_of(consent_page(client, world)) == order  # stable on reload


def test_the_reason_box_is_not_between_consent_and_decline(world, client):
    statement = world.statement("awaiting_consent")
    client.force_login(world.mentee)

    body = consent_page(client, world)

    consent = body.index(reverse("promotions:statement_consent", args=[statement.pk]))
    decline_button = body.index("Decline: do not share")
    reason = body.index(f'id="reason-{statement.pk}"')
    assert not consent < reason < decline_button
    assert reason < consent  # before both, labelled as the decline's
    assert "If you decline" in body[:reason]
    # and it still travels with the decline
    assert f'form="decline-{statement.pk}" id="reason-{statement.pk}"' in body
    assert f'id="decline-{statement.pk}"' in body


def test_the_reason_typed_before_declining_reaches_the_mentor(world, client):
    statement = world.statement("awaiting_consent")
    client.force_login(world.mentee)
    client.post(
        reverse("promotions:statement_decline", args=[statement.pk]), {"reason": "Not now."}
    )
    statement.refresh_from_db()
    assert statement.state == Statement.State.DECLINED
    assert statement.decline_reason == "Not now."


def test_a_closed_review_says_nothing_can_change_and_offers_nothing(world, client):
    pending = world.statement("awaiting_consent")
    world.statement("shared")
    world.close_review()
    client.force_login(world.mentee)

    body = consent_page(client, world)

    assert "can still decline" not in body.lower()
    assert "You can decline" not in body
    assert "This review is closed: nothing on this page can change" in body
    assert "Decline: do not share" not in body
    assert "Consent: the panel may read" not in body
    assert "Withdraw consent</button>" not in body
    assert f'id="reason-{pending.pk}"' not in body
    assert "while the review is not closed" not in body


def test_blocked_consent_on_an_open_review_says_decline_is_possible(world, client):
    statement = world.statement("awaiting_consent")
    world.agreement.allows_advocacy = False
    world.agreement.save(update_fields=["allows_advocacy"])
    client.force_login(world.mentee)

    body = consent_page(client, world)

    assert "You cannot consent now." in body
    assert "You can decline." in body
    assert reverse("promotions:statement_decline", args=[statement.pk]) in body


def test_each_shared_statement_is_one_click_from_withdrawal(world, client):
    shared = [world.statement("shared"), world.statement("shared")]
    client.force_login(world.mentee)

    body = consent_page(client, world)

    for statement in shared:
        action = reverse("promotions:statement_withdraw", args=[statement.pk])
        form = body[body.index(f'action="{action}"') :]
        form = form[: form.index("</form>")]
        assert "Withdraw consent</button>" in form  # a button posting straight to it
        response = client.post(action)
        assert response.status_code == HTTPStatus.FOUND
        statement.refresh_from_db()
        assert statement.state == Statement.State.WITHDRAWN
