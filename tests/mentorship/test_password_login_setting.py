"""PASSWORD_LOGIN off: only superusers log in (and re-authenticate) with a password here."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate

from mentorship import reauth
from tests.factories import UserFactory
from tests.factories.worlds import PASSWORD, person

pytestmark = [pytest.mark.django_db, pytest.mark.any_database]


def login(client, username):
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD})


def test_on_by_default_everyone_logs_in_with_a_password(client):
    person("carol")
    response = login(client, "carol")
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


def test_off_a_member_with_the_right_password_is_not_logged_in(client, settings):
    settings.PASSWORD_LOGIN = False
    carol = person("carol")
    response = login(client, "carol")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert authenticate(username="carol", password=PASSWORD) is None
    assert not reauth.reauthenticate(user=carol, password=PASSWORD, request=None)


def test_off_a_superuser_still_logs_in_and_reauthenticates(client, settings):
    settings.PASSWORD_LOGIN = False
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    response = login(client, "root")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(root.pk)
    assert reauth.reauthenticate(user=root, password=PASSWORD, request=None)


def test_off_a_session_from_a_password_login_ends(client, settings):
    person("carol")
    login(client, "carol")
    settings.PASSWORD_LOGIN = False
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_login_page_offers_the_company_account_when_configured(client, settings):
    assert b"Log in with" not in client.get("/accounts/login/").content
    settings.SSO_ENABLED = True
    settings.SSO_PROVIDER_NAME = "Example Corp"
    settings.PASSWORD_LOGIN = False
    page = client.get("/accounts/login/?next=/agreements/").content.decode()
    assert 'href="/accounts/sso/login/?next=/agreements/"' in page
    assert "Administrator login" in page


def test_single_sign_on_urls_are_not_there_until_configured(client):
    person("carol")
    assert client.get("/accounts/sso/login/").status_code == 404
    assert client.get("/accounts/sso/callback/?code=x&state=y").status_code == 404
    client.force_login(person("maria"))
    assert client.get("/accounts/sso/confirm/?code=x&state=y").status_code == 404
