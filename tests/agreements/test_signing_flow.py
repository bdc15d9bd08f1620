"""The whole flow through the pages: answer, compare, propose, sign twice, active."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse

from agreements.canonical import sha256_hex
from agreements.models import Agreement
from agreements.selectors import asked_questions
from mentorship.audit import Action, audit_verify
from mentorship.models import AuditEvent
from tests.agreements.conftest import sign_through_page
from tests.outbox import deliver_after

pytestmark = pytest.mark.django_db


def answer_through_page(client, pair, person):
    client.force_login(person)
    data = {"submit": ""}
    for q in asked_questions(pair):
        data[f"q_{q.pk}"] = q.guideline_answer or "agree"
        data[f"c_{q.pk}"] = ""
    response = client.post(reverse("agreements:questionnaire", args=[pair.pk]), data)
    assert response.status_code == HTTPStatus.FOUND


def test_end_to_end_through_views(client, pair):
    with deliver_after():
        mentor, mentee = pair.mentor, pair.mentee
        answer_through_page(client, pair, mentor)
        answer_through_page(client, pair, mentee)

        client.force_login(mentee)
        compare = client.get(reverse("agreements:compare", args=[pair.pk]))
        assert "You agree on everything" in compare.content.decode()

        terms_url = reverse("agreements:terms", args=[pair.pk])
        form = client.get(terms_url)
        # Prefilled from the answers both gave the same way.
        assert form.context["form"].initial["allows_advocacy"] is True
        response = client.post(
            terms_url,
            {
                "confidentiality_scope": Agreement.Scope.AGREED_EXCEPTIONS,
                "allows_promotion_participation": "on",
                "allows_advocacy": "on",
                "allows_engagement": "on",
                "exceptions": "We may tell HR we meet.",
            },
        )
        agreement = Agreement.objects.get(pair=pair)
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == reverse("agreements:detail", args=[agreement.pk])
        assert agreement.status == Agreement.Status.AWAITING_SIGNATURES
        assert agreement.guideline == pair.program.current_guideline()
        assert "version 1" in agreement.canonical_text
        assert "We may tell HR we meet." in agreement.canonical_text
        assert agreement.text_sha256 == sha256_hex(agreement.canonical_text)

        # Both members see the same text on the page.
        for person in (mentor, mentee):
            client.force_login(person)
            page = client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
            assert "Mentor: Maria Lopez" in page
            assert agreement.text_sha256 in page

        response = sign_through_page(client, agreement, mentee)
        assert response.status_code == HTTPStatus.FOUND
        agreement.refresh_from_db()
        assert agreement.status == Agreement.Status.AWAITING_SIGNATURES
        client.force_login(mentor)
        pair_page = client.get(reverse("agreements:pair", args=[pair.pk])).content.decode()
        assert "Review and sign the proposed terms" in pair_page

        response = sign_through_page(client, agreement, mentor, typed_name="  maria   LOPEZ ")
        assert response.status_code == HTTPStatus.FOUND
        followed = client.get(response["Location"]).content.decode()
        assert "the agreement is active" in followed

        agreement.refresh_from_db()
        assert agreement.status == Agreement.Status.ACTIVE
        assert agreement.activated_at is not None
        assert Agreement.objects.active_for(pair) == agreement
        assert agreement.allows_statement_kind("advocacy")
        signatures = list(agreement.signatures.order_by("signed_at"))
        assert [(s.signer, s.role) for s in signatures] == [(mentee, "mentee"), (mentor, "mentor")]
        for signature in signatures:
            assert signature.text_sha256 == agreement.text_sha256
            assert signature.ip_address == "10.0.0.7"
            assert signature.user_agent == "TestBrowser/1.0"
        assert signatures[1].typed_name == "maria LOPEZ"

    actions = list(
        AuditEvent.objects.filter(target_type="agreements.agreement", target_id=str(agreement.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [Action.AGREEMENT_SIGNED, Action.AGREEMENT_SIGNED, Action.AGREEMENT_ACTIVATED]
    assert audit_verify() is None
    # Hand-offs: answers (x2), terms proposed, signed, active.
    assert len(mail.outbox) == 5

    # The signed copy prints, with the evidence.
    printable = client.get(reverse("agreements:print", args=[agreement.pk])).content.decode()
    assert "Signature evidence" in printable
    assert "10.0.0.7" in printable
    assert "Integrity check passed" in printable


def test_printable_copy_only_for_signed_agreements(client, proposal):
    client.force_login(proposal.pair.mentor)
    url = reverse("agreements:print", args=[proposal.pk])
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_terms_cannot_be_proposed_before_both_answered(client, pair):
    client.force_login(pair.mentor)
    url = reverse("agreements:terms", args=[pair.pk])
    page = client.get(url).content.decode()
    assert "once both of you have submitted" in page
    response = client.post(url, {"confidentiality_scope": "strict"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Agreement.objects.exists()


def test_incoherent_terms_are_refused_with_what_was_typed_kept(client, answered):
    client.force_login(answered.mentor)
    response = client.post(
        reverse("agreements:terms", args=[answered.pk]),
        {"confidentiality_scope": "strict", "allows_advocacy": "on", "exceptions": "KEPT-TEXT"},
    )
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "only used in promotion discussions" in body
    assert "KEPT-TEXT" in body
    assert not Agreement.objects.exists()
