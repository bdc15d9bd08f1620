"""Signature evidence stays off every admin page: no text hash, no event hash, no address.

An agreement's text is a template filled with names and a few yes/no terms, so its SHA-256 (or
an audit event's hash computed over it) lets whoever reads it try the combinations and learn
the pair's terms; found in an attack review of the admin site.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest
from axes.models import AccessAttempt, AccessLog
from django.test import override_settings
from django.urls import reverse

from mentorship.models import AuditEvent
from tests.agreements.conftest import sign_through_page
from tests.factories import ProgramAdminFactory, UserFactory
from tests.factories.worlds import PASSWORD

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.5"


def superuser():
    return UserFactory(username="ada", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("reader", [ProgramAdminFactory, superuser])
def test_the_audit_pages_show_no_hash_and_no_address(client, proposal, reader):
    for person in (proposal.pair.mentor, proposal.pair.mentee):
        assert (
            sign_through_page(client, proposal, person, address=ADDRESS).status_code
            == HTTPStatus.FOUND
        )
    proposal.refresh_from_db()
    assert proposal.status == "active"
    events = list(AuditEvent.objects.filter(target_id=str(proposal.pk)))
    assert {e.action for e in events} >= {"agreement.signed", "agreement.activated"}
    assert any(proposal.text_sha256 in str(e.payload) for e in events)  # kept for verify_audit

    client.force_login(reader())
    pages = [reverse("admin:mentorship_auditevent_changelist")] + [
        reverse("admin:mentorship_auditevent_change", args=[e.pk]) for e in events
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        body = response.content.decode()
        assert proposal.text_sha256 not in body, url
        assert ADDRESS not in body, url
        for event in events:
            assert event.hash not in body, url
    detail = client.get(pages[1]).content.decode()
    assert "signature" in detail  # what happened is still there: ids and roles


@override_settings(AXES_ENABLED=True)
def test_a_wrong_signing_password_leaves_no_evidence_in_the_throttling_records(client, proposal):
    mentee = proposal.pair.mentee
    response = sign_through_page(
        client, proposal, mentee, address=ADDRESS, password="wrong", typed_name="Carol Q. Typed"
    )
    assert response.status_code == HTTPStatus.OK
    attempt = AccessAttempt.objects.get()
    assert attempt.failures_since_start == 1
    assert "Carol Q. Typed" not in attempt.post_data
    assert proposal.text_sha256 not in attempt.post_data
    assert "wrong" not in attempt.post_data


@override_settings(AXES_ENABLED=True)
def test_successful_logins_are_not_logged_with_address_and_browser(client, proposal):
    person = proposal.pair.mentor
    response = client.post(
        reverse("login"), {"username": person.username, "password": PASSWORD}, REMOTE_ADDR=ADDRESS
    )
    assert response.status_code == HTTPStatus.FOUND
    assert not AccessLog.objects.exists()
