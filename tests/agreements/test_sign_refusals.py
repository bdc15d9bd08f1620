"""Signing re-authenticates: a wrong password or a name that is not yours signs nothing, and
neither does a form without the guideline's acknowledgement or for a text that changed."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from agreements.models import Signature
from agreements.services import agreement_sign, names_match
from mentorship.models import AuditEvent
from tests.agreements.conftest import sign_through_page
from tests.factories.worlds import PASSWORD

pytestmark = pytest.mark.django_db


def test_wrong_password_refuses_with_a_clear_message(client, proposal):
    response = sign_through_page(client, proposal, proposal.pair.mentee, password="not-my-password")
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "That password is not correct. Nothing was signed." in body
    assert "not-my-password" not in body
    assert 'value="Carol Chen"' in body  # the typed name is kept
    assert not Signature.objects.exists()
    assert not AuditEvent.objects.filter(action="agreement.signed").exists()


@pytest.mark.parametrize(
    ("field", "sent", "says"),
    [
        ("typed_name", "Maria Lopez", "Type your full name exactly"),
        ("password", "", "Not signed"),
        ("acknowledge", "", "Not signed"),  # the guideline is not acknowledged
        ("text_sha256", "0" * 64, "not the text of this agreement"),  # the text changed
    ],
)
def test_a_form_that_does_not_hold_signs_nothing(client, proposal, field, sent, says):
    response = sign_through_page(client, proposal, proposal.pair.mentee, **{field: sent})
    assert response.status_code == HTTPStatus.OK
    assert says in response.content.decode()
    assert not Signature.objects.exists()


@pytest.mark.parametrize(
    ("typed", "full", "expected"),
    [
        ("carol chen", "Carol Chen", True),
        ("  CAROL   Chen ", "Carol Chen", True),
        ("Carol", "Carol Chen", False),
        ("Carol Chén", "Carol Chen", False),
        ("", "", False),
    ],
)
def test_names_match_ignores_case_and_spacing_only(typed, full, expected):
    assert names_match(typed, full) is expected


def test_service_refuses_a_wrong_password(proposal):
    with pytest.raises(ValidationError, match="password is not correct"):
        agreement_sign(
            agreement_id=proposal.pk,
            signer=proposal.pair.mentor,
            typed_name="Maria Lopez",
            password="wrong",
            text_sha256=proposal.text_sha256,
        )
    assert not Signature.objects.exists()


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_repeated_wrong_passwords_lock_signing_out(client, proposal):
    mentee = proposal.pair.mentee
    client.force_login(mentee)
    url = reverse("agreements:sign", args=[proposal.pk])
    data = {
        "text_sha256": proposal.text_sha256,
        "acknowledge": "on",
        "typed_name": mentee.full_name,
    }
    for _ in range(3):
        refused = client.post(url, {**data, "password": "guess"})
        assert "That password is not correct" in refused.content.decode()
    # Locked out now, even with the right password: a stolen session cannot keep guessing.
    response = client.post(url, {**data, "password": PASSWORD})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert not Signature.objects.exists()
