"""When a session has ended, the next request goes to the login page, and after login back to
where the user was: the page asked for, or the page a refused form was sent from."""

from __future__ import annotations

import time
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from mentorship.middleware import SESSION_LAST_SEEN
from tests.factories import PairFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def idle_client(client, settings):
    """A signed-in mentor whose session has been idle past the timeout."""
    settings.SESSION_IDLE_TIMEOUT = 60
    pair = PairFactory()
    client.force_login(pair.mentor)
    session = client.session
    session[SESSION_LAST_SEEN] = int(time.time()) - 61
    session.save()
    client.pair = pair
    return client


def next_of(response) -> str | None:
    location = urlsplit(response["Location"])
    assert location.path == reverse("login")
    return parse_qs(location.query).get("next", [None])[0]


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_page_asked_for_is_asked_for_again_after_login(idle_client):
    url = reverse("mentorship:pair", args=[idle_client.pair.pk]) + "?meetings=2"
    response = idle_client.get(url)
    assert next_of(response) == url
    assert messages_of(response) == ["Your session ended. Please log in again."]


def test_logging_out_of_an_ended_session_logs_out_and_goes_nowhere_else(idle_client):
    response = idle_client.post(reverse("logout"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in idle_client.session
    assert messages_of(response) == ["Your session had already ended: you are logged out."]


def test_a_form_sent_after_the_end_returns_to_its_page_and_says_it_was_not_saved(idle_client):
    page = reverse("mentorship:pair", args=[idle_client.pair.pk])
    response = idle_client.post(
        page,
        {"held_on": "2024-01-01", "duration_minutes": 30, "status": "held", "notes": "Typed."},
        HTTP_REFERER=f"http://testserver{page}?meetings=1",
    )
    assert next_of(response) == f"{page}?meetings=1"
    assert "it was not saved" in messages_of(response)[0]
    assert not idle_client.pair.meetings.exists()


@pytest.mark.parametrize("referer", ["https://evil.example/phish", "", "not a url"])
def test_a_foreign_or_missing_referer_returns_to_the_start(idle_client, referer):
    page = reverse("mentorship:pair", args=[idle_client.pair.pk])
    response = idle_client.post(page, {}, HTTP_REFERER=referer)
    assert next_of(response) == "/"
