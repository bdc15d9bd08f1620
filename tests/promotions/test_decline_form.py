"""A refused decline shows the consent page again with the reason as the mentee typed it."""

from __future__ import annotations

from html import escape
from http import HTTPStatus

import pytest
from django.urls import reverse

from promotions.models import Statement

pytestmark = pytest.mark.django_db


def decline(client, statement, reason: str):
    return client.post(
        reverse("promotions:statement_decline", args=[statement.pk]), {"reason": reason}
    )


def test_a_too_long_reason_is_refused_and_kept(world, client):
    statement = world.statement("awaiting_consent")
    other = world.statement("awaiting_consent")
    reason = "I would rather keep our sessions between us <3. " * 50  # 2,450 characters
    client.force_login(world.mentee)

    response = decline(client, statement, reason)

    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "Nothing was declined: Ensure this value has at most 2000 characters" in body
    assert f'id="reason-{statement.pk}" name="reason"' in body
    assert escape(reason.strip()) in body  # what was typed, escaped, in its own box
    assert f'aria-describedby="reason-{statement.pk}-error"' in body
    assert f'id="reason-{other.pk}" name="reason" rows="2" maxlength="2000">\n</textarea>' in body
    statement.refresh_from_db()
    assert statement.state == Statement.State.AWAITING_CONSENT
    assert statement.decline_reason == ""


def test_a_reason_within_the_limit_still_declines(world, client):
    statement = world.statement("awaiting_consent")
    client.force_login(world.mentee)

    response = decline(client, statement, "Not now.")

    assert response.status_code == HTTPStatus.FOUND
    statement.refresh_from_db()
    assert statement.state == Statement.State.DECLINED


@pytest.mark.parametrize("role", ["mentor", "panel_member", "outsider", "program_admin"])
def test_nobody_else_gets_the_page_back(world, client, role):
    statement = world.statement("awaiting_consent")
    client.force_login(world.person(role))
    response = decline(client, statement, "x" * 2001)
    assert response.status_code == HTTPStatus.NOT_FOUND
