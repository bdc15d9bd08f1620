"""Acknowledging a guideline version proves presence at the company's provider for a member
with no password here, as signing does (issue 15): the act waits in the session, bound to a
state; the provider's fresh sign-in records it with method "oidc"; a stale one records nothing."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from agreements.models import GuidelineAcknowledgement
from mentorship import reauth
from mentorship.models import SingleSignOnIdentity
from mentorship.services import guideline_publish
from tests.factories import GuidelineFactory, ProgramAdminFactory
from tests.outbox import deliver_after

pytestmark = [pytest.mark.django_db, pytest.mark.any_database]

ISSUER = "https://idp.example"


@pytest.fixture
def sso(settings):
    settings.SSO_ENABLED = True
    settings.OIDC_OP_ISSUER = ISSUER
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://idp.example/authorize"
    settings.OIDC_RP_CLIENT_ID = "mentoring"


@pytest.fixture
def new_version(active_agreement):
    draft = GuidelineFactory(program=active_agreement.pair.program, title="Revised")
    with deliver_after():
        guideline_publish(guideline_id=draft.pk, by=ProgramAdminFactory(username="publisher"))
    draft.refresh_from_db()
    return draft


def acknowledge_at_provider(client, agreement, member, version, monkeypatch, *, signed_in_at):
    member.set_unusable_password()
    member.save()
    SingleSignOnIdentity.objects.create(user=member, issuer=ISSUER, subject="s-1")
    client.force_login(member)
    response = client.post(
        reverse("agreements:acknowledge", args=[agreement.pk]),
        {"guideline_version": version.version, "confirm": "on"},
    )
    assert response.status_code == 302
    sent_to = urlsplit(response["Location"])
    query = parse_qs(sent_to.query)
    assert sent_to.netloc == "idp.example"
    assert (query["prompt"], query["max_age"]) == (["login"], ["0"])
    # The provider signs the member in again and answers with a code for this state.
    claims = {"sub": "s-1", "auth_time": signed_in_at()}
    monkeypatch.setattr(reauth, "_verified_id_token", lambda request, entry: claims)
    return client.get(reverse("reauth_return"), {"state": query["state"][0], "code": "c"})


def test_a_fresh_sign_in_at_the_provider_records_the_acknowledgement(
    client, sso, active_agreement, new_version, monkeypatch
):
    member = active_agreement.pair.mentee
    response = acknowledge_at_provider(
        client,
        active_agreement,
        member,
        new_version,
        monkeypatch,
        signed_in_at=lambda: int(time.time()),
    )
    assert response.status_code == 302
    recorded = GuidelineAcknowledgement.objects.get(agreement=active_agreement, member=member)
    assert (recorded.guideline_id, recorded.reauth_method) == (new_version.pk, "oidc")


def test_a_stale_sign_in_records_nothing(client, sso, active_agreement, new_version, monkeypatch):
    member = active_agreement.pair.mentee
    response = acknowledge_at_provider(
        client,
        active_agreement,
        member,
        new_version,
        monkeypatch,
        signed_in_at=lambda: int(time.time()) - 3600,
    )
    assert response.status_code == 403
    assert not GuidelineAcknowledgement.objects.filter(agreement=active_agreement).exists()
