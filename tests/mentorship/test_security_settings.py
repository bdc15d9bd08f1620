"""Production settings, response headers, session lifetime and login throttling."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from http import HTTPStatus
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from mentorship.middleware import SESSION_LAST_SEEN, SESSION_STARTED
from tests.factories import UserFactory

pytestmark = pytest.mark.any_database

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_with_production_settings():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_ALLOWED_HOSTS="example.com")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_authenticated_pages_are_not_stored_and_have_a_strict_csp(client):
    client.force_login(UserFactory())
    response = client.get(reverse("mentorship:dashboard"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    csp = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_idle_session_ends(client, settings):
    settings.SESSION_IDLE_TIMEOUT = 60
    client.force_login(UserFactory())
    assert client.get(reverse("mentorship:dashboard")).status_code == HTTPStatus.OK
    session = client.session
    session[SESSION_LAST_SEEN] = int(time.time()) - 61
    session.save()
    response = client.get(reverse("mentorship:dashboard"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_session_has_an_absolute_lifetime(client, settings):
    settings.SESSION_COOKIE_AGE = 3600
    client.force_login(UserFactory())
    client.get(reverse("mentorship:dashboard"))
    session = client.session
    session[SESSION_STARTED] = int(time.time()) - 3601
    session.save()
    response = client.get(reverse("mentorship:dashboard"))
    assert response.status_code == HTTPStatus.FOUND
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_login_is_throttled_after_repeated_failures(client):
    user = UserFactory(username="carol")
    for _ in range(3):
        client.post(reverse("login"), {"username": "carol", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "carol", "password": "pw"})
    # Locked out even with the right password.
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many failed log-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    other_user = client.post(reverse("login"), {"username": user.username + "x", "password": "x"})
    assert other_user.status_code == HTTPStatus.OK  # another username is not locked


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True)
def test_correct_login_still_works_with_throttling_on(client):
    UserFactory(username="mary")
    response = client.post(reverse("login"), {"username": "mary", "password": "pw"})
    assert response.status_code == HTTPStatus.FOUND
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
def test_not_found_page_is_generic(client):
    client.force_login(UserFactory())
    response = client.get("/no/such/page/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    body = response.content.decode()
    assert "Page not found" in body
    assert "Traceback" not in body
