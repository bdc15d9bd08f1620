"""Re-authentication: who proves presence how (mentorship.reauth.method_for), what counts as a
fresh sign-in at the provider, and that a Presence only vouches for its own person, briefly."""

from __future__ import annotations

import time

import pytest

from mentorship import reauth
from tests.factories import UserFactory
from tests.factories.worlds import PASSWORD, person

pytestmark = [pytest.mark.django_db, pytest.mark.any_database]


@pytest.fixture
def sso_on(settings):
    settings.SSO_ENABLED = True
    settings.SSO_REAUTH_MAX_AGE = 120
    settings.SSO_CLOCK_SKEW = 5


def no_password(user):
    user.set_unusable_password()
    user.save()
    return user


def test_a_person_with_a_password_keeps_it(sso_on):
    assert reauth.method_for(person("carol")) == reauth.PASSWORD


def test_a_person_without_a_password_confirms_at_the_provider(sso_on):
    assert reauth.method_for(no_password(person("carol"))) == reauth.OIDC


def test_password_login_off_sends_members_to_the_provider_but_not_superusers(sso_on, settings):
    settings.PASSWORD_LOGIN = False
    assert reauth.method_for(person("carol")) == reauth.OIDC
    assert reauth.method_for(UserFactory(username="root", is_superuser=True)) == reauth.PASSWORD


def test_without_a_password_or_sso_there_is_no_way_to_confirm():
    assert reauth.method_for(no_password(person("carol"))) is None


@pytest.mark.parametrize(
    ("auth_time", "fresh"),
    [
        (1000, True),  # the moment the re-authentication began
        (1040, True),
        (996, True),  # within the clock skew
        (990, False),  # before it began: an earlier sign-in, not this one
        (1050 + 6, False),  # in the future beyond the skew
        ("1040", False),
        (True, False),
        (None, False),
    ],
)
def test_fresh_auth_time(sso_on, auth_time, fresh):
    claims = {} if auth_time is None else {"auth_time": auth_time}
    assert reauth.fresh_auth_time(claims, started_at=1000, now=1050) is fresh


def test_an_old_sign_in_is_not_fresh_even_after_a_long_wait_at_the_provider(sso_on):
    # Begun 10 minutes ago, signed in 5 minutes ago: older than SSO_REAUTH_MAX_AGE.
    assert not reauth.fresh_auth_time({"auth_time": 1300}, started_at=1000, now=1600)


def test_a_presence_vouches_only_for_its_person_by_the_provider_and_briefly(sso_on):
    carol, maria = person("carol"), person("maria")
    now = int(time.time())
    proof = reauth.Presence(user_id=carol.pk, method=reauth.OIDC, confirmed_at=now)
    assert reauth.confirm_presence(user=carol, password="", presence=proof, request=None) == "oidc"
    assert reauth.confirm_presence(user=maria, password="", presence=proof, request=None) is None
    stale = reauth.Presence(user_id=carol.pk, method=reauth.OIDC, confirmed_at=now - 600)
    assert reauth.confirm_presence(user=carol, password="", presence=stale, request=None) is None
    forged = reauth.Presence(user_id=carol.pk, method=reauth.PASSWORD, confirmed_at=now)
    assert reauth.confirm_presence(user=carol, password="", presence=forged, request=None) is None


def test_the_password_path_records_password():
    carol = person("carol")
    assert reauth.confirm_presence(user=carol, password=PASSWORD, presence=None, request=None) == (
        "password"
    )
    assert (
        reauth.confirm_presence(user=carol, password="wrong", presence=None, request=None) is None
    )
    assert reauth.confirm_presence(user=carol, password="", presence=None, request=None) is None


def test_an_unknown_or_foreign_state_records_nothing(client, sso_on):
    client.force_login(person("carol"))
    response = client.get("/accounts/sso/confirm/?state=forged&code=abc")
    assert response.status_code == 400
    assert b"no longer waiting" in response.content
