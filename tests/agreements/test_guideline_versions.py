"""Guideline versions joined up: terms proposed under a replaced version cannot be signed (page
and service), a page shows what changed between two published versions to those who may read
the guideline (404 for anyone else, bad parameters get a message), and a new version that
changes nothing about the terms is acknowledged once by each member, re-authenticated."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from agreements.models import Agreement, GuidelineAcknowledgement
from agreements.selectors import agreement_attention, pair_flow
from agreements.services import guideline_acknowledge
from mentorship.models import AuditEvent, ConfidentialAuditEvent
from mentorship.services import guideline_publish
from tests.agreements.conftest import sign_through_page
from tests.factories import (
    GuidelineFactory,
    PairFactory,
    ProgramAdminFactory,
    UserFactory,
)
from tests.factories.worlds import PASSWORD, propose, sign
from tests.outbox import deliver_after

pytestmark = pytest.mark.django_db


def publish(program, **fields):
    draft = GuidelineFactory(program=program, **fields)
    with deliver_after():
        guideline_publish(guideline_id=draft.pk, by=ProgramAdminFactory())
    draft.refresh_from_db()
    return draft


# --- a. Signing terms proposed under a replaced version ------------------------------------


@pytest.fixture
def outdated_proposal(proposal):
    mail.outbox.clear()
    publish(
        proposal.pair.program,
        body="Conversations are confidential, always.",
    )
    return proposal


def test_the_service_refuses_to_sign_outdated_terms(outdated_proposal):
    with pytest.raises(ValidationError, match=r"published version 2 since\. Nothing was signed"):
        sign(outdated_proposal, outdated_proposal.pair.mentee)
    assert not outdated_proposal.signatures.exists()


def test_the_page_says_why_and_offers_no_sign_button(client, outdated_proposal):
    pair = outdated_proposal.pair
    client.force_login(pair.mentee)
    body = client.get(reverse("agreements:detail", args=[outdated_proposal.pk])).content.decode()
    assert "they can no longer be signed" in body
    assert reverse("agreements:sign", args=[outdated_proposal.pk]) not in body
    guideline_url = reverse("agreements:guideline", args=[pair.program_id])
    assert f"{guideline_url}?from=1&amp;to=2" in body
    assert reverse("agreements:terms", args=[pair.pk]) in body
    assert (
        "can no longer be signed"
        in client.get(reverse("agreements:pair", args=[pair.pk])).content.decode()
    )
    assert (
        "no longer current"
        in client.get(reverse("agreements:terms", args=[pair.pk])).content.decode()
    )

    response = sign_through_page(client, outdated_proposal, pair.mentee)
    assert response.status_code == HTTPStatus.OK
    assert "Nothing was signed" in response.content.decode()
    assert not outdated_proposal.signatures.exists()


def test_the_flow_asks_to_propose_again_not_to_sign(outdated_proposal):
    pair = outdated_proposal.pair
    flow = pair_flow(pair, pair.mentee)
    assert flow.next_action == "Read guideline version 2 and propose your terms again"
    assert flow.next_url == reverse("agreements:guideline", args=[pair.program_id]) + "?from=1&to=2"
    assert flow.waiting_for_partner == ""
    (item,) = agreement_attention(pair.mentee)
    assert item.action == "Review the guideline"


def test_proposing_again_makes_signable_terms_under_the_new_version(outdated_proposal):
    pair = outdated_proposal.pair
    again = propose(pair)
    assert again.guideline.version == 2
    sign(again, pair.mentor, pair.mentee)
    again.refresh_from_db()
    assert again.status == Agreement.Status.ACTIVE


def test_both_members_are_told_without_the_terms(outdated_proposal):
    pair = outdated_proposal.pair
    told = [m for m in mail.outbox if "need proposing again" in m.subject]
    assert sorted(m.to[0] for m in told) == sorted([pair.mentor.email, pair.mentee.email])
    for message in told:
        assert f"/agreements/{outdated_proposal.pk}/" in message.body
        assert outdated_proposal.canonical_text[:40] not in message.body
        assert outdated_proposal.text_sha256 not in message.body


# --- b. What changed between two versions ----------------------------------------------------


@pytest.fixture
def two_versions(pair):
    publish(
        pair.program,
        body="Conversations are **confidential** <script>alert(1)</script> always.",
        qualification="Never a performance review.",
    )
    return pair


def guideline_url(pair, query=""):
    return reverse("agreements:guideline", args=[pair.program_id]) + query


@pytest.mark.parametrize("who", ["mentor", "mentee", "admin"])
def test_members_and_program_admins_see_what_changed(client, two_versions, who):
    reader = ProgramAdminFactory() if who == "admin" else getattr(two_versions, who)
    client.force_login(reader)
    response = client.get(guideline_url(two_versions, "?from=1&to=2"))
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "What changed from version 1 to version 2" in body
    assert "<ins>" in body
    assert "<del>" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)" not in body
    sections = {s.label: s for s in response.context["sections"]}
    assert sections["Qualification"].changed
    assert not sections["Clarification"].changed


def test_one_version_is_shown_on_its_own(client, two_versions):
    client.force_login(two_versions.mentee)
    response = client.get(guideline_url(two_versions, "?version=1"))
    assert response.status_code == HTTPStatus.OK
    assert response.context["guideline"].version == 1


@pytest.mark.parametrize(
    "query",
    [
        "?from=abc&to=2",
        "?from=1&to=1",
        "?from=1",
        "?from=1&to=99",
        "?version=x",
        "?version=7",
        # Digits to str.isdigit() but not to int(), and beyond int()'s limit: once 500s.
        "?version=%C2%B2",
        "?version=%E2%91%A0",
        "?from=%C2%B2&to=2",
        "?version=" + "9" * 5000,
        "?from=" + "9" * 5000 + "&to=2",
    ],
)
def test_bad_version_parameters_get_a_message_not_an_error(client, two_versions, query):
    client.force_login(two_versions.mentor)
    client.raise_request_exception = False
    response = client.get(guideline_url(two_versions, query))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = response.content.decode()
    assert "invalid-feedback" in body or "There is no published version" in body


def test_drafts_are_never_shown(client, two_versions):
    GuidelineFactory(program=two_versions.program, body="DRAFT-ONLY-WORDING")
    client.force_login(two_versions.mentor)
    for query in ("", "?version=3", "?from=2&to=3"):
        assert (
            "DRAFT-ONLY-WORDING"
            not in client.get(guideline_url(two_versions, query)).content.decode()
        )


def test_anyone_else_gets_404(client, two_versions, outsider):
    elsewhere = PairFactory()  # a mentor in another program
    for person in (outsider, elsewhere.mentor, UserFactory(is_staff=True)):
        client.force_login(person)
        response = client.get(guideline_url(two_versions, "?from=1&to=2"))
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert "always" not in response.content.decode()
    missing = reverse("agreements:guideline", args=[two_versions.program_id + 1000])
    client.force_login(two_versions.mentor)
    assert client.get(missing).status_code == HTTPStatus.NOT_FOUND


def test_anonymous_is_sent_to_log_in(client, two_versions):
    response = client.get(guideline_url(two_versions))
    assert response.status_code == HTTPStatus.FOUND
    assert "/login" in response["Location"]


# --- c. One confirmation each ----------------------------------------------------------------


@pytest.fixture
def under_old_version(active_agreement):
    publish(active_agreement.pair.program)
    mail.outbox.clear()
    return active_agreement


def acknowledge_through_page(client, agreement, person, **overrides):
    client.force_login(person)
    data = {"guideline_version": "2", "confirm": "on", "password": PASSWORD, **overrides}
    return client.post(
        reverse("agreements:acknowledge", args=[agreement.pk]),
        data,
        HTTP_USER_AGENT="TestBrowser/1.0",
        REMOTE_ADDR="10.0.0.9",
    )


def test_both_confirm_once_and_the_agreement_counts_under_the_new_version(
    client, under_old_version
):
    agreement = under_old_version
    pair = agreement.pair
    text, sha = agreement.canonical_text, agreement.text_sha256
    with deliver_after():
        response = acknowledge_through_page(client, agreement, pair.mentor)
    assert response.status_code == HTTPStatus.FOUND
    assert pair_flow(pair, pair.mentee).needs_guideline_review
    (told,) = mail.outbox
    assert told.to == [pair.mentee.email]
    assert "acknowledged guideline version 2" in told.subject
    assert text[:40] not in told.body
    assert sha not in told.body

    with deliver_after():
        response = acknowledge_through_page(client, agreement, pair.mentee)
    assert response.status_code == HTTPStatus.FOUND

    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.ACTIVE
    assert (agreement.canonical_text, agreement.text_sha256) == (text, sha)  # never altered
    assert agreement.guideline.version == 1  # what was signed
    assert agreement.guideline_in_force().version == 2  # what it counts under now
    assert not pair_flow(pair, pair.mentor).needs_guideline_review
    assert list(agreement_attention(pair.mentor)) == []
    assert "(guideline version 2)" in pair_flow(pair, pair.mentor).status_text
    assert "now counts under guideline version 2" in mail.outbox[-1].subject
    acks = list(GuidelineAcknowledgement.objects.filter(agreement=agreement))
    assert {a.role for a in acks} == {"mentor", "mentee"}
    assert all(a.text_sha256 == sha and a.ip_address == "10.0.0.9" for a in acks)
    events = [
        e
        for model in (AuditEvent, ConfidentialAuditEvent)
        for e in model.objects.filter(action="agreement.guideline_acknowledged")
    ]
    assert len(events) == 2
    assert [
        e.payload["both"] for e in sorted(events, key=lambda e: e.payload["acknowledgement"])
    ] == [False, True]


def test_a_wrong_password_acknowledges_nothing(client, under_old_version):
    response = acknowledge_through_page(
        client, under_old_version, under_old_version.pair.mentor, password="wrong"
    )
    assert response.status_code == HTTPStatus.OK
    assert "Nothing was acknowledged" in response.content.decode()
    assert not GuidelineAcknowledgement.objects.exists()


def test_a_version_published_meanwhile_is_refused(client, under_old_version):
    response = acknowledge_through_page(
        client, under_old_version, under_old_version.pair.mentor, guideline_version="1"
    )
    assert response.status_code == HTTPStatus.OK
    assert "newer guideline version has been published" in response.content.decode()
    assert not GuidelineAcknowledgement.objects.exists()


def test_twice_is_refused(under_old_version):
    mentor = under_old_version.pair.mentor
    guideline_acknowledge(
        agreement_id=under_old_version.pk, member=mentor, guideline_version=2, password=PASSWORD
    )
    with pytest.raises(ValidationError, match="already acknowledged"):
        guideline_acknowledge(
            agreement_id=under_old_version.pk,
            member=mentor,
            guideline_version=2,
            password=PASSWORD,
        )
    assert GuidelineAcknowledgement.objects.count() == 1


def test_nothing_to_acknowledge_under_the_current_version(client, active_agreement):
    response = acknowledge_through_page(
        client, active_agreement, active_agreement.pair.mentor, guideline_version="1"
    )
    assert response.status_code == HTTPStatus.OK
    assert "Nothing to acknowledge" in response.content.decode()
    assert not GuidelineAcknowledgement.objects.exists()


def test_an_outsider_gets_404_and_acknowledges_nothing(client, under_old_version, outsider):
    response = acknowledge_through_page(client, under_old_version, outsider)
    assert response.status_code == HTTPStatus.NOT_FOUND
    with pytest.raises(Agreement.DoesNotExist):
        guideline_acknowledge(
            agreement_id=under_old_version.pk,
            member=outsider,
            guideline_version=2,
            password=PASSWORD,
        )
    assert not GuidelineAcknowledgement.objects.exists()


def test_an_acknowledgement_never_changes_or_goes_away(under_old_version):
    ack = guideline_acknowledge(
        agreement_id=under_old_version.pk,
        member=under_old_version.pair.mentee,
        guideline_version=2,
        password=PASSWORD,
    )
    ack.role = "mentor"
    with pytest.raises(ValidationError):
        ack.save()
    with pytest.raises(ValidationError):
        ack.delete()
    with pytest.raises(ValidationError):
        GuidelineAcknowledgement.objects.filter(pk=ack.pk).update(role="mentor")
    with pytest.raises(ValidationError):
        GuidelineAcknowledgement.objects.all().delete()


def test_the_agreement_page_offers_the_confirmation_and_the_diff(client, under_old_version):
    pair = under_old_version.pair
    client.force_login(pair.mentee)
    body = client.get(reverse("agreements:detail", args=[under_old_version.pk])).content.decode()
    assert "I have read guideline version 2; our terms stay as they are." in body
    assert reverse("agreements:acknowledge", args=[under_old_version.pk]) in body
    assert f"{guideline_url(pair)}?from=1&amp;to=2" in body
