"""My mentoring: the user's pairs by role and what needs attention."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.factories import MeetingFactory, PairFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_dashboard_lists_pairs_by_role(client):
    person = UserFactory(full_name="Maria Lopez")
    as_mentor = PairFactory(mentor=person, mentee=UserFactory(full_name="Carol Chen"))
    as_mentee = PairFactory(mentee=person, mentor=UserFactory(full_name="Olu Ade"))
    PairFactory(mentee=UserFactory(full_name="Stranger Someone"))
    client.force_login(person)
    response = client.get(reverse("mentorship:dashboard"))
    body = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert as_mentor.get_absolute_url() in body
    assert as_mentee.get_absolute_url() in body
    assert "Carol Chen" in body
    assert "Olu Ade" in body
    assert "Stranger Someone" not in body


def test_overdue_meetings_need_attention(client):
    pair = PairFactory()
    client.force_login(pair.mentor)
    body = client.get(reverse("mentorship:dashboard")).content.decode()
    assert f"No meeting with {pair.mentee} logged recently." in body


def test_recent_meeting_clears_attention(client):
    pair = PairFactory()
    MeetingFactory(pair=pair)
    client.force_login(pair.mentor)
    body = client.get(reverse("mentorship:dashboard")).content.decode()
    assert "logged recently" not in body


def test_empty_dashboard_says_what_to_do(client):
    client.force_login(UserFactory())
    body = client.get(reverse("mentorship:dashboard")).content.decode()
    assert "You have no pairs as mentor" in body
    assert "Nothing needs your attention" in body


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("mentorship:dashboard"))
    assert response.status_code == HTTPStatus.FOUND
    assert reverse("login") in response["Location"]
