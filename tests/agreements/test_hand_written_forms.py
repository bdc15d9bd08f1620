"""The forms the pair and agreement pages write out by hand (instead of rendering them through
crispy) say what is wrong beside the field, keep what was typed, and never show a password
back."""

from __future__ import annotations

import datetime
import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from mentorship.models import Meeting
from tests.agreements.conftest import sign_through_page
from tests.agreements.test_guideline_versions import acknowledge_through_page, publish

pytestmark = pytest.mark.django_db


def field_tag(body: str, field_id: str) -> str:
    """The input, select or textarea tag with this id."""
    match = re.search(rf'<(?:input|select|textarea)[^>]*id="{field_id}"[^>]*>', body)
    assert match, field_id
    return match.group(0)


def marked_invalid(body: str, field_id: str) -> bool:
    tag = field_tag(body, field_id)
    return "is-invalid" in tag and 'aria-invalid="true"' in tag


def test_the_meeting_form_marks_the_refused_date_and_keeps_the_rest(client, active_agreement):
    pair = active_agreement.pair
    pair.started_on = timezone.localdate() - datetime.timedelta(days=30)
    pair.save()
    client.force_login(pair.mentor)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        pair.get_absolute_url(),
        {"held_on": tomorrow, "duration_minutes": "45", "status": "missed", "notes": "We & met"},
    )
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert marked_invalid(body, "id_held_on")
    assert f'value="{tomorrow}"' in field_tag(body, "id_held_on")
    assert 'id="error_id_held_on"' in body
    assert "cannot be logged for a future date" in body
    assert not marked_invalid(body, "id_duration_minutes")
    assert 'value="45"' in field_tag(body, "id_duration_minutes")
    assert '<option value="missed" selected>' in body
    assert "We &amp; met</textarea>" in body  # kept, escaped
    assert not Meeting.objects.exists()


def test_a_fresh_meeting_form_is_dated_today_and_marks_nothing(client, active_agreement):
    pair = active_agreement.pair
    pair.started_on = timezone.localdate() - datetime.timedelta(days=30)
    pair.save()
    client.force_login(pair.mentee)
    body = client.get(pair.get_absolute_url()).content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in field_tag(body, "id_held_on")
    assert '<option value="held" selected>' in body
    assert "is-invalid" not in body


def test_ending_without_a_reason_marks_the_reason(client, active_agreement):
    client.force_login(active_agreement.pair.mentor)
    response = client.post(reverse("agreements:end", args=[active_agreement.pk]), {"reason": ""})
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert marked_invalid(body, "id_reason")
    assert 'id="error_id_reason"' in body
    assert "<details open>" in body  # the end form stays open to correct it


def test_signing_without_the_acknowledgement_marks_it_and_keeps_the_name(client, proposal):
    mentee = proposal.pair.mentee
    response = sign_through_page(client, proposal, mentee, acknowledge="", password="typed-secret")
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert marked_invalid(body, "id_acknowledge")
    assert "checked" not in field_tag(body, "id_acknowledge")
    assert f'value="{mentee.full_name}"' in field_tag(body, "id_typed_name")
    assert not marked_invalid(body, "id_typed_name")
    assert "typed-secret" not in body
    assert "value=" not in field_tag(body, "id_password")
    assert f'value="{proposal.text_sha256}"' in field_tag(body, "id_text_sha256")


def test_acknowledging_without_the_box_marks_it_and_never_shows_the_password(
    client, active_agreement
):
    publish(active_agreement.pair.program)
    response = acknowledge_through_page(
        client, active_agreement, active_agreement.pair.mentor, confirm="", password="typed-secret"
    )
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert marked_invalid(body, "id_confirm")
    assert "I have read guideline version 2; our terms stay as they are." in body
    assert 'value="Acknowledge version 2"' in body
    assert "typed-secret" not in body
    assert "value=" not in field_tag(body, "id_password")
