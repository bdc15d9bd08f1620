"""Recomputing the hashes finds any signed record that was tampered with."""

from __future__ import annotations

from http import HTTPStatus

import pgtrigger
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from agreements.verification import agreement_problems, verify_agreements

pytestmark = pytest.mark.django_db


def tamper(sql: str, params: list) -> None:
    """Bypass the models (and, on PostgreSQL, the triggers) as an attacker with SQL would."""
    with (
        pgtrigger.ignore(
            "agreements.Agreement:signed_agreement_is_immutable",
            "agreements.Signature:signature_is_immutable",
        ),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def test_untouched_agreement_verifies(client, active_agreement, capsys):
    assert agreement_problems(active_agreement) == []
    call_command("verify_agreements")
    assert "1 agreement(s) verified; all match." in capsys.readouterr().out
    client.force_login(active_agreement.pair.mentee)
    page = client.get(reverse("agreements:verify", args=[active_agreement.pk]))
    assert "Verified" in page.content.decode()


def test_changed_terms_are_detected(client, active_agreement):
    tamper(
        "UPDATE agreements_agreement SET allows_engagement = %s WHERE id = %s",
        [False, active_agreement.pk],
    )
    active_agreement.refresh_from_db()
    messages = [p.message for p in agreement_problems(active_agreement)]
    assert messages == ["the stored terms no longer produce the signed text"]
    with pytest.raises(CommandError) as excinfo:
        call_command("verify_agreements")
    assert excinfo.value.returncode == 1
    client.force_login(active_agreement.pair.mentor)
    page = client.get(reverse("agreements:verify", args=[active_agreement.pk]))
    assert "no longer matches what was signed" in page.content.decode()


def test_rewritten_text_is_detected(active_agreement):
    tamper(
        "UPDATE agreements_agreement SET canonical_text = %s WHERE id = %s",
        [active_agreement.canonical_text + "Extra clause.\n", active_agreement.pk],
    )
    _checked, problems = verify_agreements()
    assert [p.message for p in problems] == [
        "the stored text does not match its SHA-256",
        "the stored terms no longer produce the signed text",
    ]


def test_signature_hash_swap_is_detected(active_agreement):
    signature = active_agreement.signatures.first()
    tamper(
        "UPDATE agreements_signature SET text_sha256 = %s WHERE id = %s",
        ["f" * 64, signature.pk],
    )
    problems = agreement_problems(active_agreement)
    assert [(p.record, p.message) for p in problems] == [
        (f"signature #{signature.pk}", "signed a text with a different SHA-256")
    ]


def test_verify_page_is_for_the_pair_only(client, active_agreement, outsider):
    client.force_login(outsider)
    response = client.get(reverse("agreements:verify", args=[active_agreement.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND
