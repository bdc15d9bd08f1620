"""Single sign-on with the company's identity provider over OpenID Connect.

The protocol is mozilla-django-oidc's (authorization code flow with PKCE, state and nonce in
the session, the ID token's RS256 signature checked against the provider's JWKS); this module
adds what the program needs on top:

- the ID token's audience and issuer are checked too (the library checks neither);
- just-in-time provisioning: the first login creates the person from the provider's verified
  claims, every later login updates them (SSO_CLAIM_MAP), and an unverified email is refused
  with a page that says why;
- people are found by the provider's issuer and subject (SingleSignOnIdentity); the email
  links an existing account once, at its first single sign-on, and never again;
- membership of "Program admins" follows a group claim when SSO_PROGRAM_ADMIN_GROUP is set;
- PASSWORD_LOGIN off leaves password login to superusers (PasswordBackend), and superusers
  never log in through the provider: a break-glass account must not be opened by whoever
  controls the company directory.

Everything is off unless settings.SSO_ENABLED (all endpoints and the client id configured).
"""

from __future__ import annotations

import base64
import hashlib
import logging

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from mentorship.models import SingleSignOnIdentity, User
from mentorship.roles import PROGRAM_ADMINS_GROUP

logger = logging.getLogger(__name__)

ALGORITHM = "RS256"
# Fields the provider may fill. Who someone is (username, email) and what they may do (staff,
# superuser, active) are not claims-mapping business.
MAPPABLE_FIELDS = frozenset({"first_name", "last_name", "full_name", "time_zone", "department"})

UNVERIFIED_EMAIL = (
    "Your company account did not confirm that its email address is verified, so you were not "
    "logged in. Ask your IT department to verify the address on your account, then try again."
)
NO_EMAIL = (
    "Your company account did not share an email address, so you were not logged in. Ask your "
    "IT department to allow this site to read it."
)
EMAIL_TAKEN = (
    "An account here with your email address is already linked to another company identity, "
    "so you were not logged in. A program admin can help."
)
SUPERUSER_REFUSED = (
    "This is an administrator account: it logs in with its password on this site, not with "
    "the company account."
)
INACTIVE = "This account is deactivated, so you were not logged in. A program admin can help."
NOT_CONFIRMED = (
    "The company sign-in could not be confirmed, so you were not logged in. Please try again."
)


def sso_enabled() -> bool:
    return bool(getattr(settings, "SSO_ENABLED", False))


def password_login_allowed(user) -> bool:
    """Whether `user` may prove who they are with a password here (login and re-auth)."""
    return bool(settings.PASSWORD_LOGIN) or bool(getattr(user, "is_superuser", False))


def claim_map() -> dict[str, str]:
    """{user field: claim} from SSO_CLAIM_MAP ("full_name=name,…"), checked."""
    mapping: dict[str, str] = {}
    for item in settings.SSO_CLAIM_MAP:
        field, _, claim = (part.strip() for part in item.partition("="))
        if field not in MAPPABLE_FIELDS or not claim:
            raise ImproperlyConfigured(
                f"DJANGO_OIDC_CLAIM_MAP: {item!r} must be field=claim with a field among "
                f"{', '.join(sorted(MAPPABLE_FIELDS))}"
            )
        mapping[field] = claim
    return mapping


def email_verified(claims: dict) -> bool:
    # Some providers send the boolean as a string; anything else, or nothing, is not verified.
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.lower() == "true")


def profile_from_claims(claims: dict) -> dict[str, str]:
    """The person's fields as the provider states them (only claims that are present)."""
    profile = {"email": claims["email"].strip()}
    for field, claim in claim_map().items():
        value = claims.get(claim)
        if isinstance(value, str) and value.strip():
            max_length = User._meta.get_field(field).max_length
            profile[field] = " ".join(value.split())[:max_length]
    return profile


def program_admin_by_claims(claims: dict) -> bool | None:
    """True/False when the group claim decides program-admin membership; None when unset."""
    wanted = settings.SSO_PROGRAM_ADMIN_GROUP
    if not wanted:
        return None
    groups = claims.get(settings.SSO_CLAIM_GROUPS) or []
    if isinstance(groups, str):
        groups = groups.split()
    elif not isinstance(groups, list | tuple):
        groups = []  # a claim of another shape names no group (and is no reason for a 500)
    return wanted in (group for group in groups if isinstance(group, str))


class Refused(Exception):
    """A login the provider vouched for that this site refuses; the message is for the person."""


class PasswordBackend(ModelBackend):
    """Django's password login, for superusers only while PASSWORD_LOGIN is off."""

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and password_login_allowed(user)


class CompanySignInBackend(OIDCAuthenticationBackend):
    """Logs in, creates and updates people from the company identity provider's claims."""

    def authenticate(self, request, **kwargs):
        # Only the login callback, which hands over the nonce and PKCE verifier it kept in the
        # session for this state. Anywhere else authenticate() runs every backend (a password
        # re-check, the admin login), and a `?code=` in that request's address must not count:
        # a code obtained on an unlocked computer would stand in for the password.
        if (
            not sso_enabled()
            or request is None
            or request.path != reverse("sso_callback")
            or "code" not in request.GET
            or not kwargs.get("nonce")
            or not kwargs.get("code_verifier")
            or "password" in kwargs
        ):
            return None
        try:
            return super().authenticate(request, **kwargs)
        except Refused as refusal:
            request.sso_refusal = str(refusal)
        except (SuspiciousOperation, requests.RequestException, jwt.PyJWTError, KeyError):
            # A bad token, a wrong nonce, the provider unreachable: nothing the person can fix
            # by reading details, which stay in the log.
            logger.warning("single sign-on not confirmed", exc_info=True)
            request.sso_refusal = NOT_CONFIRMED
        return None

    def get_payload_data(self, token, key):
        """Verify the ID token: RS256 only, signed by the provider's key, for this client,
        from the configured issuer, unexpired; the library itself skips audience and issuer."""
        if jwt.get_unverified_header(token).get("alg") != ALGORITHM:
            raise SuspiciousOperation("ID token not signed with RS256")
        return jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=self.OIDC_RP_CLIENT_ID,
            issuer=settings.OIDC_OP_ISSUER,
            leeway=settings.SSO_CLOCK_SKEW,
            # A nonce always: the library compares it with the session's, and None == None.
            options={"require": ["exp", "iat", "iss", "aud", "sub", "nonce"]},
        )

    def retrieve_matching_jwk(self, token):
        if "kid" in jwt.get_unverified_header(token):
            return super().retrieve_matching_jwk(token)
        # A provider that publishes a single signing key may leave the key id out; with
        # several keys, the token must name its own.
        response = requests.get(
            self.OIDC_OP_JWKS_ENDPOINT, timeout=self.get_settings("OIDC_TIMEOUT", None)
        )
        response.raise_for_status()
        keys = [
            key
            for key in response.json().get("keys", [])
            if key.get("kty") == "RSA"
            and key.get("use", "sig") == "sig"
            and key.get("alg", ALGORITHM) == ALGORITHM
        ]
        if len(keys) != 1:
            raise SuspiciousOperation("ID token names no key and the provider has several")
        return jwt.PyJWK(keys[0])

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload["sub"]:
            # OpenID Connect Core 5.3.2: userinfo about someone else must not be used.
            raise SuspiciousOperation("userinfo subject differs from the ID token's")
        return provision(issuer=payload["iss"], subject=payload["sub"], claims=claims)


def _username_for(email: str) -> str:
    username = email.lower()[:150]
    if not User.objects.filter(username__iexact=username).exists():
        return username
    # Taken by another account (a local login named like this address): an opaque name.
    digest = hashlib.sha256(email.lower().encode()).digest()
    return "sso-" + base64.urlsafe_b64encode(digest).decode().rstrip("=")[:40]


def provision(*, issuer: str, subject: str, claims: dict) -> User:
    """The person the provider vouched for, created or updated from its claims.

    Raises Refused, with a message for the person, when this site will not log them in.
    """
    if not claims.get("email"):
        raise Refused(NO_EMAIL)
    if not email_verified(claims):
        raise Refused(UNVERIFIED_EMAIL)
    profile = profile_from_claims(claims)
    try:
        with transaction.atomic():
            return _provision_locked(
                issuer, subject, profile, program_admin_by_claims(claims), claims
            )
    except IntegrityError:
        # Two first logins of one person at once: the other one linked the identity.
        with transaction.atomic():
            return _provision_locked(
                issuer, subject, profile, program_admin_by_claims(claims), claims
            )


def manager_by_claims(claims: dict, user: User) -> User | None:
    """The line manager the provider names by email, when that person is known here.

    An unknown or ambiguous address, or the person themself, leaves the manager as it is: the
    provider states who manages whom, it does not create people here.
    """
    claim = settings.SSO_CLAIM_MANAGER_EMAIL
    email = claims.get(claim) if claim else None
    if not isinstance(email, str) or not email.strip():
        return None
    matches = list(User.objects.filter(email__iexact=email.strip()).exclude(pk=user.pk)[:2])
    return matches[0] if len(matches) == 1 else None


def _provision_locked(
    issuer: str, subject: str, profile: dict[str, str], program_admin: bool | None, claims: dict
) -> User:
    identity = (
        SingleSignOnIdentity.objects.select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identity is not None:
        user = User.objects.select_for_update().get(pk=identity.user_id)
    else:
        matches = list(User.objects.select_for_update().filter(email__iexact=profile["email"])[:2])
        if len(matches) > 1:
            raise Refused(EMAIL_TAKEN)
        user = matches[0] if matches else None
        if user is not None and user.sso_identities.filter(issuer=issuer).exists():
            raise Refused(EMAIL_TAKEN)
        if user is None:
            user = User(username=_username_for(profile["email"]))
            user.set_unusable_password()
    if user.is_superuser:
        raise Refused(SUPERUSER_REFUSED)
    if user.pk is not None and not user.is_active:
        raise Refused(INACTIVE)
    if user.pk is not None and User.email_in_use(profile["email"], other_than=user):
        # The provider now gives this person an address another account here has: keep theirs
        # (two accounts with one address would lock the other one out of signing in).
        profile = {**profile, "email": user.email}
    for field, value in profile.items():
        setattr(user, field, value)
    manager = manager_by_claims(claims, user)
    if manager is not None:
        user.manager = manager
    if not user.full_name:
        user.full_name = profile["email"].split("@")[0]
    if program_admin:
        user.is_staff = True
    user.save()
    if identity is None:
        SingleSignOnIdentity.objects.create(user=user, issuer=issuer, subject=subject)
    if program_admin is not None:
        group, _ = Group.objects.get_or_create(name=PROGRAM_ADMINS_GROUP)
        if program_admin:
            user.groups.add(group)
        else:
            user.groups.remove(group)
            # The claim decides program-admin membership only: access to the admin site that
            # another group or permission gives stays until a superuser takes it away.
            if user.is_staff and not (user.groups.exists() or user.user_permissions.exists()):
                user.is_staff = False
                user.save(update_fields=["is_staff"])
    return user


def linked_subject(user: User) -> str | None:
    """The provider's subject for `user` at the configured issuer, if they ever signed in."""
    return (
        SingleSignOnIdentity.objects.filter(user=user, issuer=settings.OIDC_OP_ISSUER)
        .values_list("subject", flat=True)
        .first()
    )


def refused_page(request, message: str, *, status: int = 403) -> HttpResponse:
    return render(request, "registration/sso_refused.html", {"message": message}, status=status)


class LoginStartView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider (state, nonce and PKCE verifier kept in the session)."""

    def dispatch(self, request, *args, **kwargs):
        if not sso_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer: logs the person in, or says why not."""

    def dispatch(self, request, *args, **kwargs):
        if not sso_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def login_failure(self):
        refusal = getattr(self.request, "sso_refusal", None)
        if refusal:
            return refused_page(self.request, refusal)
        if "code" in self.request.GET:
            return refused_page(self.request, NOT_CONFIRMED)
        messages.info(self.request, "You did not log in with your company account.")
        return super().login_failure()


class LoginView(auth_views.LoginView):
    """The login page: the company account first when SSO is on; the password form for
    everyone while PASSWORD_LOGIN is on, for administrators only otherwise."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            sso_enabled=sso_enabled(),
            sso_provider_name=settings.SSO_PROVIDER_NAME,
            password_login=settings.PASSWORD_LOGIN,
        )
        return context
