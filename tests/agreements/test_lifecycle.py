"""Changing terms voids the open proposal; an amendment supersedes the active agreement when
it activates; either member can end an active agreement. History keeps everything."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from agreements.models import Agreement, Signature
from agreements.signals import agreement_closed
from mentorship.audit import Action
from mentorship.models import AuditEvent
from tests.factories.worlds import propose, sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_events():
    events = []

    def receiver(sender, agreement, successor, **kwargs):
        events.append((agreement.pk, agreement.status, successor.pk if successor else None))

    agreement_closed.connect(receiver, dispatch_uid="test_lifecycle")
    yield events
    agreement_closed.disconnect(dispatch_uid="test_lifecycle")


def test_new_terms_void_a_partly_signed_proposal_and_keep_its_signature(proposal):
    sign(proposal, proposal.pair.mentee)
    replacement = propose(proposal.pair, by=proposal.pair.mentee, allows_engagement=False)
    proposal.refresh_from_db()
    assert proposal.status == Agreement.Status.VOID
    assert proposal.superseded_by == replacement
    assert Signature.objects.filter(agreement=proposal).count() == 1  # kept, never edited
    assert replacement.status == Agreement.Status.AWAITING_SIGNATURES
    assert not replacement.signatures.exists()  # earlier signatures do not carry over
    assert "Engagement statements: NOT allowed." in replacement.canonical_text
    # The void proposal can no longer be signed.
    with pytest.raises(ValidationError, match="no longer open for signing"):
        sign(proposal, proposal.pair.mentor)


def test_amendment_supersedes_the_active_agreement_when_it_activates(
    active_agreement, closed_events
):
    pair = active_agreement.pair
    amendment = propose(pair, by=pair.mentee, allows_advocacy=False)
    active_agreement.refresh_from_db()
    assert active_agreement.status == Agreement.Status.ACTIVE  # still in force meanwhile
    sign(amendment, pair.mentee)
    assert closed_events == []
    sign(amendment, pair.mentor)

    active_agreement.refresh_from_db()
    amendment.refresh_from_db()
    assert amendment.status == Agreement.Status.ACTIVE
    assert active_agreement.status == Agreement.Status.SUPERSEDED
    assert active_agreement.superseded_by == amendment
    assert Agreement.objects.active_for(pair) == amendment
    assert closed_events == [(active_agreement.pk, "superseded", amendment.pk)]
    assert AuditEvent.objects.filter(
        action=Action.AGREEMENT_SUPERSEDED, target_id=str(active_agreement.pk)
    ).exists()


def test_same_terms_under_the_same_guideline_are_not_a_new_agreement(active_agreement):
    with pytest.raises(ValidationError, match="nothing new to sign"):
        propose(active_agreement.pair)


def test_either_member_ends_with_a_reason(client, active_agreement, closed_events):
    mentee = active_agreement.pair.mentee
    client.force_login(mentee)
    url = reverse("agreements:end", args=[active_agreement.pk])

    response = client.post(url, {"reason": ""})
    assert response.status_code == HTTPStatus.OK
    assert "give a reason" in response.content.decode()

    response = client.post(url, {"reason": "We are changing programs."})
    assert response.status_code == HTTPStatus.FOUND
    active_agreement.refresh_from_db()
    assert active_agreement.status == Agreement.Status.ENDED
    assert active_agreement.ended_by == mentee
    assert active_agreement.closed_at is not None
    assert active_agreement.end_reason == "We are changing programs."
    assert Agreement.objects.active_for(active_agreement.pair) is None
    assert closed_events == [(active_agreement.pk, "ended", None)]
    event = AuditEvent.objects.get(action=Action.AGREEMENT_ENDED)
    assert event.actor == mentee
    assert "changing programs" not in str(event.payload)

    again = client.post(url, {"reason": "twice"})
    assert again.status_code == HTTPStatus.OK
    assert "Only an active agreement can be ended." in again.content.decode()


def test_history_lists_every_version_with_its_state(client, active_agreement):
    pair = active_agreement.pair
    void = propose(pair, allows_advocacy=False)
    current = propose(pair, allows_engagement=False)
    client.force_login(pair.mentor)
    response = client.get(reverse("agreements:history", args=[pair.pk]))
    assert [a.pk for a in response.context["history"]] == [current.pk, void.pk, active_agreement.pk]
    body = response.content.decode()
    assert "Void (never in force)" in body
    assert "Awaiting signatures" in body
    assert "Active" in body
