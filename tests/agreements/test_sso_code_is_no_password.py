"""A provider's authorization code stands in for nothing but the login callback's own exchange.

Re-checking a password runs every authentication backend, and the single sign-on backend used
to act on any request whose address carried `?code=`: someone at an unlocked computer could
fetch a code from the person's live session at the provider and sign in their name with any
password, the evidence saying "password" (found by review, issue 15)."""

from __future__ import annotations

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import RequestFactory
from django.urls import reverse

from agreements.models import Signature
from mentorship import sso
from mentorship.models import SingleSignOnIdentity

pytestmark = [pytest.mark.django_db, pytest.mark.any_database]

ISSUER = "https://idp.example"


@pytest.fixture
def provider_vouches_for(settings, monkeypatch):
    """SSO on, and a provider that would exchange any code for the person's ID token."""
    settings.SSO_ENABLED = True
    settings.OIDC_OP_ISSUER = ISSUER
    exchanged = []

    def vouch(user):
        SingleSignOnIdentity.objects.create(user=user, issuer=ISSUER, subject="s-1")
        claims = {"sub": "s-1", "email": user.email, "email_verified": True}

        def get_token(backend, payload):
            exchanged.append(payload)
            return {"id_token": "x", "access_token": "y"}

        monkeypatch.setattr(sso.CompanySignInBackend, "get_token", get_token)
        monkeypatch.setattr(
            sso.CompanySignInBackend, "verify_token", lambda *a, **k: {"iss": ISSUER, "sub": "s-1"}
        )
        monkeypatch.setattr(sso.CompanySignInBackend, "get_userinfo", lambda *a: claims)
        return exchanged

    return vouch


def test_a_code_in_the_address_does_not_sign_for_a_password_user(
    client, proposal, provider_vouches_for
):
    member = proposal.pair.mentee
    exchanged = provider_vouches_for(member)
    client.force_login(member)
    response = client.post(
        reverse("agreements:sign", args=[proposal.pk]) + "?code=taken&state=anything",
        {
            "text_sha256": proposal.text_sha256,
            "acknowledge": "on",
            "typed_name": member.full_name,
            "password": "not-the-password",
        },
    )
    assert response.status_code == 200  # the form again, with the wrong password's error
    assert not Signature.objects.filter(agreement=proposal, signer=member).exists()
    assert exchanged == []  # the code was never even sent to the provider


@pytest.mark.parametrize(
    ("path", "kwargs"),
    [
        ("/agreements/1/sign/", {"nonce": "n", "code_verifier": "v"}),
        ("/admin/login/", {"nonce": "n", "code_verifier": "v"}),
        ("/accounts/sso/callback/", {"code_verifier": "v"}),
        ("/accounts/sso/callback/", {"nonce": "n"}),
        ("/accounts/sso/callback/", {"nonce": "n", "code_verifier": "v", "password": "x"}),
    ],
)
def test_the_backend_answers_only_the_callback_with_its_nonce_and_verifier(
    mentee, provider_vouches_for, path, kwargs
):
    exchanged = provider_vouches_for(mentee)
    request = RequestFactory().get(path, {"code": "taken", "state": "s"})
    assert sso.CompanySignInBackend().authenticate(request, **kwargs) is None
    assert exchanged == []


def test_the_callback_with_its_nonce_and_verifier_does_log_in(mentee, provider_vouches_for):
    exchanged = provider_vouches_for(mentee)
    request = RequestFactory().get(reverse("sso_callback"), {"code": "c", "state": "s"})
    request.session = {}
    user = sso.CompanySignInBackend().authenticate(request, nonce="n", code_verifier="v")
    assert user == mentee
    assert exchanged[0]["code_verifier"] == "v"


def test_an_id_token_without_a_nonce_is_refused(settings):
    settings.OIDC_OP_ISSUER = ISSUER
    settings.OIDC_RP_CLIENT_ID = "mentoring"
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    backend = sso.CompanySignInBackend()
    claims = {"iss": ISSUER, "aud": backend.OIDC_RP_CLIENT_ID, "sub": "s-1", "iat": 0}
    claims["exp"] = 4_102_444_800  # 2100
    token = jwt.encode(claims, key, algorithm="RS256")
    with pytest.raises(jwt.MissingRequiredClaimError, match="nonce"):
        backend.get_payload_data(token, key.public_key())
    signed = jwt.encode({**claims, "nonce": "n"}, key, algorithm="RS256")
    assert backend.get_payload_data(signed, key.public_key())["nonce"] == "n"
