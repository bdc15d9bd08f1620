"""The pair page is for its two members only; anyone else gets 404."""

from __future__ import annotations

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from mentorship.models import ConfidentialAuditEvent, Meeting, Pair
from tests.factories import (
    MeetingFactory,
    PairFactory,
    ProgramAdminFactory,
    PublishedGuidelineFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    pair = PairFactory()
    PublishedGuidelineFactory(program=pair.program, clarification="Mentors may advocate GROWTH.")
    return pair


@pytest.mark.parametrize("member", ["mentor", "mentee"])
def test_members_see_guideline_log_and_engagement(client, pair, member):
    MeetingFactory(pair=pair, notes="Our private note")
    client.force_login(getattr(pair, member))
    response = client.get(pair.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "Mentors may advocate GROWTH." in body
    assert "Our private note" in body
    assert "1 meeting held of 5 planned" in body


@pytest.mark.parametrize("persona", ["outsider", "program_admin", "superuser"])
def test_everyone_else_gets_404(client, pair, persona):
    MeetingFactory(pair=pair, notes="Our private note")
    user = {
        "outsider": UserFactory,
        "program_admin": ProgramAdminFactory,
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
    }[persona]()
    client.force_login(user)
    assert client.get(pair.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    response = client.post(
        pair.get_absolute_url(),
        {"held_on": "2026-01-01", "duration_minutes": 30, "status": "held"},
    )
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert Meeting.objects.filter(pair=pair).count() == 1


def test_missing_pair_is_indistinguishable(client, pair):
    client.force_login(UserFactory())
    missing = client.get(reverse("mentorship:pair", args=[pair.pk + 1000]))
    hidden = client.get(pair.get_absolute_url())
    assert missing.status_code == hidden.status_code == HTTPStatus.NOT_FOUND


def test_anonymous_is_sent_to_login(client, pair):
    response = client.get(pair.get_absolute_url())
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))


def test_member_logs_a_meeting(client, pair):
    client.force_login(pair.mentee)
    response = client.post(
        pair.get_absolute_url(),
        {
            "held_on": pair.started_on.isoformat(),
            "duration_minutes": 50,
            "status": "held",
            "notes": "Goals",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    meeting = Meeting.objects.get(pair=pair)
    assert meeting.recorded_by == pair.mentee
    assert meeting.duration_minutes == 50


def test_future_meeting_is_refused_and_input_kept(client, pair):
    client.force_login(pair.mentor)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        pair.get_absolute_url(),
        {
            "held_on": tomorrow.isoformat(),
            "duration_minutes": 50,
            "status": "held",
            "notes": "Kept",
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert "cannot be logged for a future date" in response.content.decode()
    assert "Kept" in response.content.decode()
    assert not Meeting.objects.filter(pair=pair).exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"duration_minutes": "-5"},
        {"duration_minutes": "abc"},
        {"status": "maybe"},
        {"held_on": "not a date"},
    ],
)
def test_bad_meeting_input_gets_a_message(client, pair, bad):
    client.force_login(pair.mentor)
    data = {"held_on": "2026-01-05", "duration_minutes": 50, "status": "held", **bad}
    response = client.post(pair.get_absolute_url(), data)
    assert response.status_code == HTTPStatus.OK
    assert "The meeting was not saved" in response.content.decode()
    assert not Meeting.objects.filter(pair=pair).exists()


def test_meetings_cannot_be_logged_on_an_ended_pair(client):
    pair = PairFactory(status=Pair.Status.ENDED)
    client.force_login(pair.mentor)
    page = client.get(pair.get_absolute_url())
    assert page.status_code == HTTPStatus.OK
    assert "Meetings can be logged while the pair is active" in page.content.decode()
    response = client.post(
        pair.get_absolute_url(), {"held_on": "2026-01-05", "duration_minutes": 5, "status": "held"}
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Meeting.objects.exists()


def test_pair_page_query_budget(client, pair, django_assert_max_num_queries):
    MeetingFactory.create_batch(5, pair=pair)
    client.force_login(pair.mentor)
    # session, user, pair (+program, people), guideline, engagement aggregate, meetings,
    # session update (first request stamps the session); the agreement card: questionnaire
    # submissions, agreements (its current guideline is the page's); the reviews card:
    # reviews; and the savepoint pair Django wraps the session write in. 12 in all.
    with django_assert_max_num_queries(12):
        response = client.get(pair.get_absolute_url())
    assert response.status_code == HTTPStatus.OK


def test_denied_access_is_audited_without_revealing_anything(client, pair):
    outsider = UserFactory()
    client.force_login(outsider)
    client.get(pair.get_absolute_url())
    missing_url = reverse("mentorship:pair", args=[pair.pk + 1000])
    client.get(missing_url)  # recorded alike: the same work as a hidden pair (issue 12)
    event, missing = ConfidentialAuditEvent.objects.filter(action="access.denied").order_by("pk")
    assert event.actor == outsider
    assert (event.target_type, event.target_id) == ("mentorship.pair", str(pair.pk))
    assert event.payload == {"method": "GET", "path": pair.get_absolute_url()}
    assert (missing.target_type, missing.target_id) == ("mentorship.pair", str(pair.pk + 1000))
    assert missing.payload == {"method": "GET", "path": missing_url}
