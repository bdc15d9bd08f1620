"""Issue 13, phase 2: a statement sent with the breach guard's caution carries it to the mentee's
consent page (that it was cautioned, and why), so they decide knowing it. The panel never learns
of any guard verdict."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from promotions.models import GUARD_CAUTION_NOTES, Statement, text_sha256
from promotions.services import consent_grant, statement_submit
from tests.promotions.conftest import without_csrf

pytestmark = pytest.mark.django_db

CAUTIONED = "She is the best engineer on the team."
ADVOCACY = "Over the past year I have seen Carol grow into a calm, clear leader of her peers."
NOTE = "The breach guard cautioned this statement"
WHY = GUARD_CAUTION_NOTES["positive_verdict"]


def send(world, text: str, *, confirm: bool) -> Statement:
    statement = world.statement(text=text)
    statement_submit(
        statement_id=statement.pk,
        mentor=world.mentor,
        caution_confirmed_for=text_sha256(text) if confirm else "",
    )
    statement.refresh_from_db()
    return statement


def escaped(text: str) -> str:
    return text.replace("'", "&#x27;")


def test_the_consent_page_says_the_guard_cautioned_it_and_why(world, client):
    statement = send(world, CAUTIONED, confirm=True)
    client.force_login(world.mentee)

    body = client.get(world.review.consent_url()).content.decode()

    card = body[body.index(f'id="statement-{statement.pk}"') :]
    assert NOTE in card
    assert escaped(WHY) in card
    assert "Maria Lopez confirmed sending it anyway" in card
    assert card.index(NOTE) < card.index("Consent: the panel may read this text")


def test_a_statement_sent_without_caution_has_no_note(world, client):
    send(world, ADVOCACY, confirm=False)
    client.force_login(world.mentee)
    body = client.get(world.review.consent_url()).content.decode()
    assert NOTE not in body


def test_the_note_stays_after_consent_for_the_mentee_only(world, client):
    statement = send(world, CAUTIONED, confirm=True)
    consent_grant(
        statement_id=statement.pk, mentee=world.mentee, text_sha256_seen=text_sha256(CAUTIONED)
    )
    client.force_login(world.mentee)
    assert NOTE in client.get(world.review.consent_url()).content.decode()

    client.force_login(world.panel_member)
    response = client.get(reverse("promotions:review", args=[world.review.pk]))

    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert CAUTIONED in body  # shared: the panel reads the text the mentee consented to
    for told in (NOTE, escaped(WHY), "breach guard", "caution", "positive_verdict"):
        assert told.lower() not in body.lower(), told


def test_the_panel_page_is_the_same_whether_or_not_the_guard_cautioned(world, client):
    """Byte for byte (but the form token): no verdict leaks through the layout."""
    statement = send(world, CAUTIONED, confirm=True)
    consent_grant(
        statement_id=statement.pk, mentee=world.mentee, text_sha256_seen=text_sha256(CAUTIONED)
    )
    client.force_login(world.panel_member)
    url = reverse("promotions:review", args=[world.review.pk])
    cautioned = without_csrf(client.get(url).content)

    Statement.objects.filter(pk=statement.pk).update(guard_cautions="")
    uncautioned = without_csrf(client.get(url).content)

    assert cautioned == uncautioned
