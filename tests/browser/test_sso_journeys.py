"""Single sign-on journeys in Chromium against a real OpenID Connect provider started on the
loopback address (tests/sso_provider.py: oidc-provider-mock, with PKCE enforced and
`auth_time` settable), through the real redirects: first login creates the person, a returning
login updates them, an unverified email is refused, signing re-authenticates at the provider
(the signature says so), and a stale `auth_time` is refused with nothing signed."""

from __future__ import annotations

import re
import time

import pytest

from agreements.models import Signature
from mentorship.models import User
from mentorship.permissions import is_program_admin
from tests.factories.worlds import answer_all, build_cast, propose
from tests.sso_provider import running_provider

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.any_database]


@pytest.fixture
def provider(settings):
    with running_provider() as running:
        for name, value in running.settings().items():
            setattr(settings, name, value)
        yield running


def sign_in_at_provider(visitor, sub: str) -> None:
    """On the provider's page: type the subject and authorize (the provider's own login)."""
    page = visitor.page
    page.wait_for_url(re.compile(r"/oauth2/authorize"))
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_load_state()


def our_errors(visitor) -> list[str]:
    """Console errors on this site's pages (the provider's test pages load a stylesheet from
    the internet, which this machine cannot reach)."""
    return [error for error in visitor.errors() if error.startswith(visitor.base)]


def log_in_with_company_account(visitor, sub: str) -> None:
    visitor.goto("/accounts/login/")
    visitor.page.get_by_role("link", name="Log in with Example Corp").click()
    sign_in_at_provider(visitor, sub)


def test_first_login_creates_the_person_and_a_returning_login_updates_them(visit, provider):
    provider.set_person(
        "00u-nora",
        email="nora@example.com",
        email_verified=True,
        name="Nora Quist",
        groups=["mentoring-admins"],
    )
    nora = visit("nora")
    nora.goto("/accounts/login/")
    nora.check("login-page-with-sso")
    log_in_with_company_account(nora, "00u-nora")
    assert nora.page.url == nora.url("/")
    created = User.objects.get(email="nora@example.com")
    assert created.full_name == "Nora Quist"
    assert not created.has_usable_password()
    assert is_program_admin(created)
    # PKCE: the site sent an S256 challenge (and the provider honoured the code only with
    # its verifier, see PkceEnforcer).
    sent = provider.pkce.authorization_requests[-1]
    assert sent["code_challenge_method"] == "S256"
    assert sent["code_challenge"]
    assert our_errors(nora) == []

    # The directory renames her and takes her out of the admins' group.
    provider.set_person(
        "00u-nora", email="nora.berg@example.com", email_verified=True, name="Nora Berg"
    )
    nora.page.get_by_role("button", name=re.compile("Log out", re.I)).click()
    nora.page.wait_for_load_state()
    log_in_with_company_account(nora, "00u-nora")
    assert nora.page.url == nora.url("/")
    updated = User.objects.get(pk=created.pk)
    assert (updated.email, updated.full_name) == ("nora.berg@example.com", "Nora Berg")
    assert not is_program_admin(updated)
    assert User.objects.count() == 1


def test_an_unverified_email_is_refused_with_a_clear_page(visit, provider):
    provider.set_person("00u-eve", email="eve@example.com", email_verified=False, name="Eve")
    eve = visit("eve")
    log_in_with_company_account(eve, "00u-eve")
    assert eve.page.get_by_text("did not confirm that its email address is verified").is_visible()
    eve.check("refused-unverified-email")
    assert not User.objects.filter(email="eve@example.com").exists()
    eve.goto("/")
    assert "/accounts/login/" in eve.page.url


@pytest.fixture
def carol_signs_in_by_sso(provider):
    """Carol has no password here: she logs in with the company account."""
    cast = build_cast(guideline={"version": 1}, with_review=False)
    carol = cast.mentee
    carol.set_unusable_password()
    carol.save()
    provider.set_person("00u-carol", email=carol.email, email_verified=True, name=carol.full_name)
    answer_all(cast.pair, cast.mentor)
    answer_all(cast.pair, carol)
    return cast, propose(cast.pair)


def start_signing(visitor, agreement, full_name: str) -> None:
    visitor.goto(f"/agreements/{agreement.pk}/")
    page = visitor.page
    # No password field: presence is proved at the provider.
    assert page.get_by_label(re.compile("Your password")).count() == 0
    page.get_by_label(re.compile("I have reviewed the guideline version")).check()
    page.get_by_label("Type your full name").fill(full_name)
    page.get_by_role("button", name="Confirm it is you and sign").click()


def test_signing_reauthenticates_at_the_provider(visit, provider, carol_signs_in_by_sso):
    cast, agreement = carol_signs_in_by_sso
    carol = visit("carol")
    log_in_with_company_account(carol, "00u-carol")
    start_signing(carol, agreement, cast.mentee.full_name)
    sign_in_at_provider(carol, "00u-carol")
    assert carol.page.get_by_text("Signed.").first.is_visible()
    carol.check("signed-after-reauthentication")
    signature = Signature.objects.get(agreement=agreement, signer=cast.mentee)
    assert signature.reauth_method == "oidc"
    # The re-authentication asked the provider for a new sign-in, with PKCE.
    sent = provider.pkce.authorization_requests[-1]
    assert (sent["prompt"], sent["max_age"], sent["code_challenge_method"]) == (
        "login",
        "0",
        "S256",
    )
    evidence = carol.page.locator("table.signatures details.evidence").first
    evidence.locator("summary").click()
    assert evidence.get_by_text("company sign-in").is_visible()
    assert our_errors(carol) == []


def test_a_stale_auth_time_is_refused_and_nothing_is_signed(
    visit, provider, settings, carol_signs_in_by_sso
):
    cast, agreement = carol_signs_in_by_sso
    settings.PASSWORD_LOGIN = False  # the same, for someone who still has a password here
    carol = visit("carol")
    log_in_with_company_account(carol, "00u-carol")
    start_signing(carol, agreement, cast.mentee.full_name)
    # The provider answers with the sign-in of an hour ago instead of a new one.
    provider.set_person(
        "00u-carol",
        email=cast.mentee.email,
        email_verified=True,
        name=cast.mentee.full_name,
        auth_time=int(time.time()) - 3600,
    )
    sign_in_at_provider(carol, "00u-carol")
    assert carol.page.get_by_text("did not confirm a fresh sign-in").is_visible()
    carol.check("refused-stale-auth-time")
    assert not Signature.objects.filter(agreement=agreement).exists()
