"""A double-click, or the same form in two tabs, never makes two signatures."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement, Signature
from tests.factories.worlds import PASSWORD

pytestmark = pytest.mark.django_db


def test_second_post_is_refused_with_a_clear_message(client, proposal):
    mentee = proposal.pair.mentee
    client.force_login(mentee)
    data = {
        "text_sha256": proposal.text_sha256,
        "acknowledge": "on",
        "typed_name": mentee.full_name,
        "password": PASSWORD,
    }
    url = reverse("agreements:sign", args=[proposal.pk])
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == HTTPStatus.FOUND
    assert second.status_code == HTTPStatus.OK
    assert "You have already signed this agreement." in second.content.decode()
    assert Signature.objects.filter(agreement=proposal).count() == 1
    proposal.refresh_from_db()
    assert proposal.status == Agreement.Status.AWAITING_SIGNATURES


def test_database_allows_one_signature_per_signer_and_role(proposal):
    mentee = proposal.pair.mentee
    fields = {
        "agreement": proposal,
        "signer": mentee,
        "role": "mentee",
        "typed_name": mentee.full_name,
        "signed_at": timezone.now(),
        "text_sha256": proposal.text_sha256,
    }
    Signature.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Signature.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Signature.objects.create(**{**fields, "signer": proposal.pair.mentor})
