"""Meeting notes are for the pair alone: they appear nowhere in the admin site."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import MeetingFactory, ProgramAdminFactory

pytestmark = pytest.mark.django_db

MARKER = "CANARY-NOTE-7f3a9"


@pytest.fixture(params=["program_admin", "superuser"])
def admin_user(request, client):
    if request.param == "superuser":
        user = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    else:
        user = ProgramAdminFactory()
    client.force_login(user)
    return user


def test_notes_absent_from_admin_pages(client, admin_user):
    meeting = MeetingFactory(notes=f"We talked about {MARKER} in confidence.")
    pair = meeting.pair
    urls = [
        reverse("admin:index"),
        reverse("admin:mentorship_pair_changelist"),
        reverse("admin:mentorship_pair_changelist") + "?q=confidence",
        reverse("admin:mentorship_pair_change", args=[pair.pk]),
        reverse("admin:mentorship_pair_history", args=[pair.pk]),
        reverse("admin:mentorship_program_change", args=[pair.program_id]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert MARKER not in response.content.decode(), url


def test_admin_search_does_not_look_into_notes(client, admin_user):
    MeetingFactory(notes="We talked about confidence.")
    response = client.get(reverse("admin:mentorship_pair_changelist") + "?q=confidence")
    assert response.context["cl"].result_count == 0


def test_meeting_has_no_admin_of_its_own(client, admin_user):
    MeetingFactory(notes=MARKER)
    response = client.get("/admin/mentorship/meeting/")
    assert response.status_code == HTTPStatus.NOT_FOUND
