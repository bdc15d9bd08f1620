"""The time zone list: grouped by region and sorted by place, so a person finds their city; the
saved zone stays selected, even an old alias; anything else is refused beside the field."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from mentorship.forms import REGIONS, PreferencesForm, time_zone_groups
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("mentorship:preferences")


def groups(html: str) -> list[str]:
    return re.findall(r'<optgroup label="([^"]+)">', html)


def selected(html: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"[^>]*selected', html)


def test_zones_are_grouped_by_region_in_order(client):
    client.force_login(UserFactory(time_zone=""))
    html = client.get(URL).content.decode()
    assert groups(html) == list(REGIONS.values())
    assert "US/Eastern" not in html  # aliases of listed places are not offered twice
    assert 'value="Etc/GMT+5"' not in html


def test_places_are_sorted_within_each_region_and_named_as_places():
    for _region, zones in time_zone_groups():
        names = [place.casefold() for _zone, place in zones]
        assert names == sorted(names)
    europe = dict(dict(time_zone_groups())["Europe"])
    americas = dict(dict(time_zone_groups())["Americas"])
    assert europe["Europe/Berlin"] == "Berlin"
    assert americas["America/New_York"] == "New York"
    assert americas["America/Argentina/Buenos_Aires"] == "Argentina / Buenos Aires"


def test_the_common_zones_are_offered():
    form = PreferencesForm(instance=UserFactory.build(time_zone=""))
    offered = {
        value
        for value, label in form.fields["time_zone"].choices
        for value in ([value] if isinstance(label, str) else [v for v, _ in label])
    }
    for zone in ["UTC", "Europe/London", "Europe/Berlin", "America/New_York", "Asia/Tokyo",
                 "Asia/Kolkata", "Australia/Sydney", "America/Los_Angeles"]:  # fmt: skip
        assert zone in offered
    assert "" in offered  # the site's zone


def test_the_saved_zone_stays_selected(client):
    client.force_login(UserFactory(time_zone="Asia/Tokyo"))
    assert selected(client.get(URL).content.decode()) == ["Asia/Tokyo"]


def test_a_saved_alias_is_kept_and_shown(client):
    """A zone saved before the list was grouped: the page must not silently show another."""
    person = UserFactory(time_zone="US/Eastern")
    client.force_login(person)
    html = client.get(URL).content.decode()
    assert selected(html) == ["US/Eastern"]
    assert groups(html)[-1] == "Other"

    client.post(URL, {"time_zone": "US/Eastern"})
    person.refresh_from_db()
    assert person.time_zone == "US/Eastern"


def test_an_alias_not_saved_before_is_refused(client):
    person = UserFactory(time_zone="")
    client.force_login(person)
    response = client.post(URL, {"time_zone": "US/Pacific"})
    assert response.status_code == HTTPStatus.OK
    person.refresh_from_db()
    assert person.time_zone == ""


def test_an_invalid_zone_is_refused_beside_the_field_and_the_saved_one_kept(client):
    person = UserFactory(time_zone="Europe/Berlin")
    client.force_login(person)
    response = client.post(URL, {"time_zone": "Mars/Olympus"})

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    message = "“Mars/Olympus” is not a time zone we know. Choose one from the list"
    assert message in response.context["form"].errors["time_zone"][0]
    # crispy renders the error under the select, tied to it by its id
    assert re.search(r'id="error_1_id_time_zone"[^>]*>\s*<strong>' + re.escape(message), html)
    person.refresh_from_db()
    assert person.time_zone == "Europe/Berlin"
