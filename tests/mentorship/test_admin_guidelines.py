"""A program admin publishes a guideline in the admin site and cannot edit it afterwards."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from mentorship.models import Guideline
from tests.factories import GuidelineFactory, UserFactory
from tests.security.web import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def program_admin(client, program_admin):
    client.force_login(program_admin)
    return program_admin


def publish(client, draft, **kwargs):
    """Press "Publish this version" and confirm, as the admin does."""
    url = reverse("admin:mentorship_guideline_publish", args=[draft.pk])
    return client.post(url, form_data(client.get(url), "publish-form"), **kwargs)


def test_program_admin_publishes_through_the_confirmation(client, program_admin):
    draft = GuidelineFactory()
    response = publish(client, draft, follow=True)
    assert response.status_code == HTTPStatus.OK
    draft.refresh_from_db()
    assert draft.status == Guideline.Status.PUBLISHED
    assert draft.version == 1
    assert draft.published_by == program_admin


def test_published_guideline_is_read_only_in_admin(client, program_admin):
    draft = GuidelineFactory(body="Original body")
    publish(client, draft)
    url = reverse("admin:mentorship_guideline_change", args=[draft.pk])
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert b'name="body"' not in page.content  # shown, not editable
    assert b"Original body" in page.content
    response = client.post(
        url,
        {
            "program": draft.program_id,
            "title": "Changed",
            "body": "Changed body",
            "clarification": "x",
            "qualification": "x",
            "expectations": "x",
        },
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    draft.refresh_from_db()
    assert draft.body == "Original body"


def test_no_guideline_can_be_deleted_in_admin(client, program_admin):
    # Not even a draft: agreements record the guideline version they were made under, so a
    # guideline's delete page could list them (mentorship/admin_base.py).
    draft = GuidelineFactory()
    response = client.post(
        reverse("admin:mentorship_guideline_delete", args=[draft.pk]), {"post": "yes"}
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Guideline.objects.filter(pk=draft.pk).exists()


def test_published_guideline_cannot_be_deleted_in_admin(client, program_admin):
    draft = GuidelineFactory()
    publish(client, draft)
    response = client.post(
        reverse("admin:mentorship_guideline_delete", args=[draft.pk]), {"post": "yes"}
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Guideline.objects.filter(pk=draft.pk).exists()


def test_preview_renders_sanitized_markdown(client, program_admin):
    draft = GuidelineFactory(body="**bold** <script>alert(1)</script>")
    page = client.get(reverse("admin:mentorship_guideline_change", args=[draft.pk]))
    assert b"<strong>bold</strong>" in page.content
    assert b"<script>alert(1)</script>" not in page.content


def test_participants_cannot_reach_the_admin(client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:mentorship_guideline_changelist"))
    assert response.status_code == HTTPStatus.FOUND
    assert "/admin/login/" in response["Location"]
