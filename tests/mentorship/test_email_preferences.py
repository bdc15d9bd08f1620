"""Email preferences: each person chooses every email, a daily summary or none; saving that
section never touches the time zone, and the navigation shows the inbox's unread count."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentorship.models import EmailFrequency
from mentorship.notify import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("mentorship:preferences")


@pytest.fixture
def carol(client):
    person = UserFactory(username="carol", time_zone="Europe/Berlin")
    client.force_login(person)
    return person


def test_the_page_offers_the_three_choices_with_the_current_one_checked(client, carol):
    body = client.get(URL).content.decode()
    radios = re.findall(r'<input[^>]*name="email_frequency"[^>]*>', body)
    assert [re.search(r'value="(\w+)"', radio)[1] for radio in radios] == [
        "immediately",
        "daily",
        "off",
    ]
    assert [radio for radio in radios if "checked" in radio] == [radios[0]]


@pytest.mark.parametrize("choice", ["daily", "off", "immediately"])
def test_saving_the_email_section_changes_only_emails(client, carol, choice):
    response = client.post(URL, {"section": "emails", "email_frequency": choice}, follow=True)
    carol.refresh_from_db()
    assert carol.email_frequency == choice
    assert carol.time_zone == "Europe/Berlin"  # the other section is untouched
    label = EmailFrequency(choice).label.lower()
    assert f"Saved. Emails: {label}." in response.content.decode()


def test_a_value_not_offered_is_refused_beside_the_field_and_nothing_changes(client, carol):
    response = client.post(URL, {"section": "emails", "email_frequency": "hourly"})
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "Select a valid choice" in body
    assert "Your preferences were not saved" in body
    carol.refresh_from_db()
    assert carol.email_frequency == EmailFrequency.IMMEDIATELY


def test_saving_the_time_zone_leaves_the_email_choice(client, carol):
    carol.email_frequency = EmailFrequency.OFF
    carol.save(update_fields=["email_frequency"])
    client.post(URL, {"time_zone": "Asia/Tokyo"})
    carol.refresh_from_db()
    assert (carol.time_zone, carol.email_frequency) == ("Asia/Tokyo", EmailFrequency.OFF)


def test_the_navigation_shows_the_unread_count_without_a_query_of_its_own(client, carol):
    client.get(URL)  # the first request after logging in also stores the session
    with CaptureQueriesContext(connection) as before:
        page = client.get(URL).content.decode()
    assert 'href="/inbox/">Inbox</a>' in page
    for _ in range(2):
        notify(
            to=carol,
            kind="test.hand_off",
            subject="Your partner proposed terms",
            template="emails/agreements/terms_proposed.txt",
            context={"actor": "Maria"},
            link="/agreements/1/",
        )
    with CaptureQueriesContext(connection) as after:
        page = client.get(URL).content.decode()
    assert '2<span class="visually-hidden"> unread</span>' in page
    assert len(after) == len(before)  # the count is a column of the user row already loaded
