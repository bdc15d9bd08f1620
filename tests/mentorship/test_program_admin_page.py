"""A program whose guideline is published can still be edited in the admin; the guideline not.

The program's change page lists its guideline versions inline, so saving the program validates
each version's form. Validating a frozen version is not a change to it: the program saves, and
the published version stays exactly as it was.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mentorship.models import Guideline, Program
from tests.factories import ProgramAdminFactory
from tests.factories.mentorship import PublishedGuidelineFactory
from tests.security.web import form_data

pytestmark = pytest.mark.django_db


def test_a_program_with_a_published_guideline_saves_from_its_page(client):
    admin = ProgramAdminFactory()
    client.force_login(admin)
    guideline = PublishedGuidelineFactory(body="Frozen body")
    program = guideline.program
    path = reverse("admin:mentorship_program_change", args=[program.pk])

    data = form_data(client.get(path))
    data["description"] = ["Confidential mentoring, consented advocacy."]
    response = client.post(path, data)

    assert response.status_code == HTTPStatus.FOUND
    assert Program.objects.get(pk=program.pk).description == (
        "Confidential mentoring, consented advocacy."
    )
    stored = Guideline.objects.get(pk=guideline.pk)
    assert (stored.status, stored.body) == (Guideline.Status.PUBLISHED, "Frozen body")


def test_validating_a_changed_published_guideline_is_still_refused():
    guideline = PublishedGuidelineFactory(body="Frozen body")
    loaded = Guideline.objects.get(pk=guideline.pk)
    loaded.full_clean()  # unchanged: valid

    loaded.body = "Edited afterwards"
    with pytest.raises(ValidationError, match="A published guideline never changes"):
        loaded.full_clean()
