"""Login throttling: one account from one address, and one address across every account."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _throttling_on():
    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5, LOGIN_ADDRESS_FAILURE_LIMIT=20):
        yield


OFFICE = "203.0.113.7"
ELSEWHERE = "198.51.100.9"


def log_in(client, username: str, password: str, address: str):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def logged_in(response) -> bool:
    return response.status_code == HTTPStatus.FOUND


def test_spraying_four_passwords_across_accounts_locks_the_address(client):
    # The reproduction: four guesses per account stays under the per-account limit of five.
    victims = UserFactory.create_batch(6)
    for guess in ["Winter2026!", "Password1", "Welcome1", "Company123"]:
        for victim in victims:
            log_in(client, victim.username, guess, OFFICE)

    # 24 failures from one address: every account is refused from it, the right password too.
    bystander = UserFactory()
    refused = log_in(client, bystander.username, "pw", OFFICE)
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many failed log-in attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session

    # The lockout is the address's, not the accounts': they log in from elsewhere.
    assert logged_in(log_in(client, victims[0].username, "pw", ELSEWHERE))


def test_address_is_not_locked_below_its_limit(client):
    victims = UserFactory.create_batch(19)
    for victim in victims:
        log_in(client, victim.username, "wrong", OFFICE)
    assert logged_in(log_in(client, UserFactory().username, "pw", OFFICE))


def test_an_office_behind_one_address_does_not_add_up_its_typos(client):
    # Forty colleagues behind one NAT each mistype once, then log in: a success clears the
    # account's failures from that address, so the office never reaches the address limit.
    for colleague in UserFactory.create_batch(40):
        assert not logged_in(log_in(client, colleague.username, "typo", OFFICE))
        assert logged_in(log_in(client, colleague.username, "pw", OFFICE))
        client.logout()


def test_one_account_is_still_locked_after_five_failures(client):
    carol = UserFactory()
    for _ in range(5):
        log_in(client, carol.username, "wrong", OFFICE)
    assert log_in(client, carol.username, "pw", OFFICE).status_code == (
        HTTPStatus.TOO_MANY_REQUESTS
    )
    # Other accounts from the same address are not locked by one account's failures.
    assert logged_in(log_in(client, UserFactory().username, "pw", OFFICE))
