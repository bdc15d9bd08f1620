"""Preferences: a person picks the time zone their dates are shown in."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("mentorship:preferences")


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == HTTPStatus.FOUND
    assert reverse("login") in response["Location"]


def test_saving_a_zone_says_so_and_dates_follow_it(client):
    person = UserFactory(time_zone="")
    client.force_login(person)
    response = client.post(URL, {"time_zone": "Asia/Tokyo"}, follow=True)
    person.refresh_from_db()
    assert person.time_zone == "Asia/Tokyo"
    body = response.content.decode()
    assert "Saved. Dates and times are now shown in Asia/Tokyo." in body
    assert "JST" in body  # "it is now ..." in the chosen zone


def test_blank_means_the_sites_zone(client):
    person = UserFactory(time_zone="Europe/Berlin")
    client.force_login(person)
    client.post(URL, {"time_zone": ""})
    person.refresh_from_db()
    assert person.time_zone == ""


def test_an_unknown_zone_is_refused_with_an_error_summary(client):
    person = UserFactory(time_zone="Europe/Berlin")
    client.force_login(person)
    response = client.post(URL, {"time_zone": "Mars/Olympus"})
    body = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert 'class="alert alert-danger error-summary"' in body
    assert 'href="#id_time_zone"' in body
    person.refresh_from_db()
    assert person.time_zone == "Europe/Berlin"


def test_linked_from_every_page(client):
    client.force_login(UserFactory())
    assert URL in client.get(reverse("mentorship:dashboard")).content.decode()
