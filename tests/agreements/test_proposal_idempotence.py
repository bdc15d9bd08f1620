"""Proposing the terms already awaiting signatures changes nothing: a double click on
"Propose", or the form sent again with the back button, never voids a proposal (nor a
signature the partner put on it). Different terms still replace the open proposal."""

from __future__ import annotations

from functools import partial
from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from agreements.models import Agreement, Signature
from mentorship.audit import Action
from mentorship.models import AuditEvent
from tests.concurrency import run_together
from tests.factories import PublishedGuidelineFactory
from tests.factories.worlds import OPEN_TERMS, propose, sign
from tests.outbox import deliver_after

FORM = {
    "confidentiality_scope": "agreed_exceptions",
    "allows_promotion_participation": "on",
    "allows_advocacy": "on",
    "allows_engagement": "on",
    "exceptions": "",
}


def post_terms(client, pair, **changes):
    return client.post(reverse("agreements:terms", args=[pair.pk]), {**FORM, **changes})


def flash(response) -> str:
    """The message this response added (earlier, unread ones are still queued before it)."""
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


def statuses(pair) -> list[tuple[int, str]]:
    return list(Agreement.objects.filter(pair=pair).order_by("pk").values_list("pk", "status"))


def assert_kept(response, proposal) -> None:
    """Nothing changed: the response leads to the open proposal, still the pair's only one."""
    assert response.url == reverse("agreements:detail", args=[proposal.pk])
    assert statuses(proposal.pair) == [(proposal.pk, Agreement.Status.AWAITING_SIGNATURES)]


@pytest.fixture
def partner_signed(answered, client):
    """Maria proposed the terms on the page (and stays logged in); Carol signed them."""
    client.force_login(answered.mentor)
    post_terms(client, answered)
    proposal = Agreement.objects.get(pair=answered)
    sign(proposal, answered.mentee)
    return proposal


@pytest.mark.django_db
def test_a_double_click_on_propose_makes_one_proposal_and_one_email(answered, client):
    pair = answered
    client.force_login(pair.mentor)
    with deliver_after():
        first = post_terms(client, pair)
        second = post_terms(client, pair)

    proposal = Agreement.objects.get(pair=pair)
    assert proposal.status == Agreement.Status.AWAITING_SIGNATURES
    detail = reverse("agreements:detail", args=[proposal.pk])
    assert (first.status_code, first.url) == (HTTPStatus.FOUND, detail)
    assert (second.status_code, second.url) == (HTTPStatus.FOUND, detail)
    assert [m.subject for m in mail.outbox] == [
        "Maria Lopez proposed confidentiality agreement terms"
    ]
    assert not AuditEvent.objects.filter(action=Action.AGREEMENT_VOIDED).exists()
    # True for the second click too: the terms are proposed, and Carol was asked to sign.
    assert flash(second) == (
        "Terms proposed. Read the text below and sign it; Carol Chen has been asked to do the same."
    )


@pytest.mark.django_db
def test_resending_the_terms_after_the_partner_signed_keeps_their_signature(partner_signed, client):
    proposal, pair = partner_signed, partner_signed.pair

    response = post_terms(client, pair)  # the back button, then "Propose" again

    assert_kept(response, proposal)
    assert list(Signature.objects.values_list("agreement_id", "signer_id")) == [
        (proposal.pk, pair.mentee.pk)
    ]
    assert flash(response) == (
        "These terms are already proposed and Carol Chen has signed them; nothing changed. "
        "Read the text below and sign it."
    )
    sign(proposal, pair.mentor)  # the mentor can still complete it
    proposal.refresh_from_db()
    assert proposal.status == Agreement.Status.ACTIVE


@pytest.mark.django_db
def test_resending_terms_the_proposer_signed_says_so(answered, client):
    pair = answered
    proposal = propose(pair)
    sign(proposal, pair.mentor)
    client.force_login(pair.mentor)

    response = post_terms(client, pair)

    assert_kept(response, proposal)
    assert flash(response) == (
        "These terms are already proposed and you have signed them; nothing changed. "
        "Carol Chen has not signed yet."
    )


@pytest.mark.django_db
def test_the_partner_proposing_the_same_terms_gets_the_open_proposal(answered, client):
    pair = answered
    proposal = propose(pair, by=pair.mentor)
    client.force_login(pair.mentee)

    with deliver_after():
        response = post_terms(client, pair)

    assert_kept(response, proposal)
    assert mail.outbox == []  # the mentor is not told they proposed their own terms
    assert flash(response) == (
        "Maria Lopez already proposed these terms; nothing changed. Read the text below and "
        "sign it."
    )


@pytest.mark.django_db
def test_different_terms_still_replace_the_open_proposal(partner_signed, client):
    first, pair = partner_signed, partner_signed.pair

    response = post_terms(client, pair, exceptions="We may mention the course she led.")

    second = Agreement.objects.exclude(pk=first.pk).get(pair=pair)
    assert response.url == reverse("agreements:detail", args=[second.pk])
    assert statuses(pair) == [
        (first.pk, Agreement.Status.VOID),
        (second.pk, Agreement.Status.AWAITING_SIGNATURES),
    ]
    first.refresh_from_db()
    assert first.superseded_by == second
    assert first.signatures.count() == 1  # kept, on the void proposal
    assert not second.signatures.exists()
    assert flash(response) == (
        "Terms proposed. Read the text below and sign it; Carol Chen has been asked to do the same."
    )


@pytest.mark.django_db
def test_a_void_proposal_with_the_same_text_is_not_reopened(answered):
    first = propose(answered)
    second = propose(answered, exceptions="Something else.")
    third = propose(answered)  # back to the first terms: a fresh proposal

    assert third.pk not in (first.pk, second.pk)
    assert third.text_sha256 == first.text_sha256
    assert statuses(answered) == [
        (first.pk, Agreement.Status.VOID),
        (second.pk, Agreement.Status.VOID),
        (third.pk, Agreement.Status.AWAITING_SIGNATURES),
    ]


@pytest.mark.django_db
def test_the_same_terms_under_a_newer_guideline_are_a_new_text(answered):
    first = propose(answered)
    PublishedGuidelineFactory(program=answered.program, version=2)

    second = propose(answered)

    assert second.pk != first.pk
    assert second.guideline.version == 2
    first.refresh_from_db()
    assert first.status == Agreement.Status.VOID


@pytest.mark.django_db
def test_the_terms_of_the_active_agreement_are_still_refused(active_agreement):
    pair = active_agreement.pair
    with pytest.raises(ValidationError, match="there is nothing new to sign"):
        propose(pair)
    assert statuses(pair) == [(active_agreement.pk, Agreement.Status.ACTIVE)]


@pytest.mark.django_db
def test_the_same_terms_from_someone_outside_the_pair_are_still_refused(answered, outsider, client):
    proposal = propose(answered)
    client.force_login(outsider)
    response = post_terms(client, answered)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert statuses(answered) == [(proposal.pk, Agreement.Status.AWAITING_SIGNATURES)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_identical_proposals_racing_leave_one_open_proposal(answered):
    pair = answered
    for round_ in range(3):
        terms = {**OPEN_TERMS, "exceptions": f"Round {round_}."}
        outcomes = run_together(*[partial(propose, pair, **terms)] * 3)

        assert all(isinstance(o, Agreement) for o in outcomes), outcomes
        assert len({o.pk for o in outcomes}) == 1
        assert Agreement.objects.filter(pair=pair, status="awaiting_signatures").count() == 1
    # Only the change of terms between rounds voided anything.
    assert Agreement.objects.filter(pair=pair, status="void").count() == 2
