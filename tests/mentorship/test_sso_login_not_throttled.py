"""The login throttle counts password guesses only: a login the company's provider vouched for
and this site refused is no guess and does not count toward locking an address, and an address
locked by password guesses still signs its people in with the provider (mentorship.login_throttle).
"""

from __future__ import annotations

import time
from http import HTTPStatus

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from mentorship import sso
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.any_database]

ISSUER = "https://login.example.com"


@pytest.fixture
def provider(settings, monkeypatch):
    """SSO on, a small address limit, and a provider whose claims the test sets."""
    settings.AXES_ENABLED = True  # off in the test settings
    settings.SSO_ENABLED = True
    settings.OIDC_OP_ISSUER = ISSUER
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    claims = {"sub": "00u1", "email": "nora@example.com", "email_verified": True}
    monkeypatch.setattr(
        sso.CompanySignInBackend, "get_token", lambda *a: {"id_token": "x", "access_token": "y"}
    )
    monkeypatch.setattr(
        sso.CompanySignInBackend,
        "verify_token",
        lambda backend, token, nonce: {"iss": ISSUER, "sub": claims["sub"], "nonce": nonce},
    )
    monkeypatch.setattr(sso.CompanySignInBackend, "get_userinfo", lambda *a: dict(claims))
    return claims


def sso_callback(client, state: str):
    """The provider's redirect back, for a login this browser started (state, nonce and PKCE
    verifier kept in its session, as the login view keeps them)."""
    session = client.session
    states = session.get("oidc_states", {})
    states[state] = {"nonce": f"n-{state}", "code_verifier": "v" * 43, "added_on": time.time()}
    session["oidc_states"] = states
    session.save()
    return client.get(reverse("sso_callback"), {"code": "c", "state": state})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_refused_company_logins_do_not_count_toward_the_address_limit(client, provider):
    provider["email_verified"] = False
    for attempt in range(5):
        response = sso_callback(client, f"s{attempt}")
        assert response.status_code == HTTPStatus.FORBIDDEN  # the page that says why
        assert "verified" in response.content.decode()
        assert not signed_in(client)
    assert not AccessAttempt.objects.exists()

    provider["email_verified"] = True
    sso_callback(client, "s-verified")
    assert signed_in(client)


def test_an_address_locked_by_password_guesses_still_signs_in_with_the_provider(client, provider):
    UserFactory(username="victim", password="right-password-123")
    for name in ("victim", "ana", "ben"):
        client.post(reverse("login"), {"username": name, "password": "guess"})
    assert AccessAttempt.objects.count() == 3

    # The address is locked for passwords, even the right one...
    response = client.post(
        reverse("login"), {"username": "victim", "password": "right-password-123"}
    )
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert not signed_in(client)

    # ...not for a login the provider vouched for.
    sso_callback(client, "s1")
    assert signed_in(client)
