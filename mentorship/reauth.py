"""Re-authentication before a sensitive act (signing an agreement, acknowledging a guideline).

Someone with a password here types it again (`reauthenticate`, throttled like a login). Someone
who logs in with the company account has no password here: they prove presence at the
identity provider instead. `begin` keeps the pending act server-side in the session, bound to
a fresh state, nonce and PKCE verifier, and sends the browser to the provider with
`prompt=login` and `max_age=0`; `provider_return` checks the answer (the ID token's
signature, audience, issuer and nonce, the subject linked to this person, and an `auth_time`
after the re-authentication began and at most SSO_REAUTH_MAX_AGE seconds old) and only then
hands the act to the handler its app registered, with a `Presence` to show the service.
Nothing the browser brings back is trusted but the state, which only selects the pending act.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET
from mozilla_django_oidc.utils import generate_code_challenge

from mentorship import sso
from mentorship.models import User

logger = logging.getLogger(__name__)

PASSWORD = "password"  # noqa: S105  # nosec B105: the name of a method, not a secret
OIDC = "oidc"
METHOD_CHOICES = [(PASSWORD, "password"), (OIDC, "company sign-in")]

SESSION_KEY = "reauth_pending"
# A person may take a while at the provider; a pending act older than this is dropped.
PENDING_MAX_AGE = 15 * 60
PENDING_LIMIT = 5

NOT_FRESH = (
    "Your company account did not confirm a fresh sign-in just now, so nothing was recorded. "
    "Please try again and sign in at the company page when asked."
)
NOT_CONFIRMED = "Your company sign-in could not be confirmed, so nothing was recorded."
NOT_PENDING = (
    "This confirmation is no longer waiting (it was used, expired or started in another "
    "session), so nothing was recorded. Please start again."
)
NO_METHOD = (
    "Your account has no password here and single sign-on is not configured, so you cannot "
    "confirm it is you. A program admin can help."
)


@dataclass(frozen=True)
class Presence:
    """Proof that `user_id` re-authenticated at the provider at `confirmed_at` (epoch seconds)."""

    user_id: int
    method: str
    confirmed_at: int


# act name -> handler(request, payload, presence) returning the page after the act.
ActHandler = Callable[[HttpRequest, dict, Presence], HttpResponse]
_ACTS: dict[str, ActHandler] = {}


def register_act(name: str, handler: ActHandler) -> None:
    """Called by each app (AppConfig.ready) for the acts that re-authenticate at the provider."""
    _ACTS[name] = handler


def method_for(user: User) -> str | None:
    """How `user` proves presence: their password here while they may use it, else the
    company identity provider when single sign-on is on; None when neither is possible."""
    if user.has_usable_password() and sso.password_login_allowed(user):
        return PASSWORD
    if sso.sso_enabled():
        return OIDC
    return None


LOCAL_LOGIN_BACKEND = "mentorship.sso.PasswordBackend"


def reauthenticate(*, user: User, password: str, request: HttpRequest | None) -> bool:
    """True when `password` is the signed-in user's own and they may use a password here.

    It goes through authenticate(), not check_password(), so login throttling (django-axes)
    counts a wrong password here like a failed login and locks out a stolen session that keeps
    guessing. Without a request (demo data, shell) there is nothing to throttle.
    """
    if not password or not sso.password_login_allowed(user):
        return False
    if request is None:
        return user.check_password(password)
    confirmed = authenticate(request, username=user.get_username(), password=password)
    # Only the password backend's answer proves the password (no other backend may stand in).
    return (
        confirmed is not None
        and confirmed.pk == user.pk
        and getattr(confirmed, "backend", None) == LOCAL_LOGIN_BACKEND
    )


def confirm_presence(
    *, user: User, password: str, presence: Presence | None, request: HttpRequest | None
) -> str | None:
    """The method by which `user` just proved presence (PASSWORD or OIDC), or None."""
    if presence is not None:
        fresh = time.time() - presence.confirmed_at <= (
            settings.SSO_REAUTH_MAX_AGE + settings.SSO_CLOCK_SKEW
        )
        if presence.user_id == user.pk and presence.method == OIDC and fresh:
            return OIDC
        return None
    if reauthenticate(user=user, password=password, request=request):
        return PASSWORD
    return None


def allow_form_to_provider(response: HttpResponse) -> HttpResponse:
    """Let a page's form lead to the identity provider: the Content-Security-Policy's
    form-action ('self') also covers where the form's answer redirects, and `begin` redirects
    to the provider."""
    endpoint = urlsplit(settings.OIDC_OP_AUTHORIZATION_ENDPOINT)
    response._csp_update = {"form-action": [f"{endpoint.scheme}://{endpoint.netloc}"]}
    return response


def _callback_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("reauth_return"))


def begin(request: HttpRequest, *, act: str, payload: dict, return_url: str) -> HttpResponse:
    """Keep the act pending in the session and send the browser to the provider to sign in
    again. `payload` is what the act's handler needs (ids, typed name, hash): plain JSON."""
    if act not in _ACTS:
        raise ValueError(f"no handler registered for {act!r}")
    if not url_has_allowed_host_and_scheme(return_url, allowed_hosts={request.get_host()}):
        raise ValueError("return_url must be on this site")
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)
    pending = {
        key: entry
        for key, entry in request.session.get(SESSION_KEY, {}).items()
        if time.time() - entry["started_at"] <= PENDING_MAX_AGE
    }
    while len(pending) >= PENDING_LIMIT:
        del pending[min(pending, key=lambda key: pending[key]["started_at"])]
    pending[state] = {
        "act": act,
        "payload": payload,
        "user_id": request.user.pk,
        "return_url": return_url,
        "nonce": nonce,
        "code_verifier": verifier,
        # Whole seconds, as auth_time is: a sign-in in the same second counts as after.
        "started_at": int(time.time()),
    }
    request.session[SESSION_KEY] = pending
    params = {
        "response_type": "code",
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "redirect_uri": _callback_url(request),
        "scope": "openid",
        "state": state,
        "nonce": nonce,
        "code_challenge": generate_code_challenge(verifier, "S256"),
        "code_challenge_method": "S256",
        # Sign in again, whatever session the person has at the provider.
        "prompt": "login",
        "max_age": "0",
    }
    if request.user.email:
        params["login_hint"] = request.user.email
    return HttpResponseRedirect(f"{settings.OIDC_OP_AUTHORIZATION_ENDPOINT}?{urlencode(params)}")


def _verified_id_token(request: HttpRequest, entry: dict) -> dict:
    backend = sso.CompanySignInBackend()
    backend.request = request
    tokens = backend.get_token(
        {
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "client_secret": settings.OIDC_RP_CLIENT_SECRET,
            "grant_type": "authorization_code",
            "code": request.GET["code"],
            "redirect_uri": _callback_url(request),
            "code_verifier": entry["code_verifier"],
        }
    )
    return backend.verify_token(tokens["id_token"], nonce=entry["nonce"])


def fresh_auth_time(claims: dict, *, started_at: int, now: float) -> bool:
    """Whether the ID token says the person signed in after `started_at` and just now."""
    auth_time = claims.get("auth_time")
    if not isinstance(auth_time, int) or isinstance(auth_time, bool):
        return False
    skew = settings.SSO_CLOCK_SKEW
    return (
        started_at - skew <= auth_time <= now + skew
        and now - auth_time <= settings.SSO_REAUTH_MAX_AGE
    )


@login_required
@require_GET
def provider_return(request: HttpRequest) -> HttpResponse:
    """The provider's answer to `begin`: do the pending act, or say why not."""
    if not sso.sso_enabled():
        return sso.refused_page(request, NOT_CONFIRMED, status=404)
    pending = request.session.get(SESSION_KEY, {})
    # Popped before anything else, so a state is answered once (no replay).
    entry = pending.pop(request.GET.get("state", ""), None)
    request.session[SESSION_KEY] = pending
    if (
        entry is None
        or entry["user_id"] != request.user.pk
        or time.time() - entry["started_at"] > PENDING_MAX_AGE
    ):
        return sso.refused_page(request, NOT_PENDING, status=400)
    if "code" not in request.GET:
        messages.info(request, "You did not confirm it was you, so nothing was recorded.")
        return HttpResponseRedirect(entry["return_url"])
    try:
        claims = _verified_id_token(request, entry)
    except (SuspiciousOperation, requests.RequestException, jwt.PyJWTError, KeyError):
        logger.warning("re-authentication at the provider not confirmed", exc_info=True)
        return sso.refused_page(request, NOT_CONFIRMED)
    if claims.get("sub") != sso.linked_subject(request.user):
        # Someone else signed in at the provider on this person's computer.
        return sso.refused_page(request, NOT_CONFIRMED)
    if not fresh_auth_time(claims, started_at=entry["started_at"], now=time.time()):
        return sso.refused_page(request, NOT_FRESH)
    presence = Presence(user_id=request.user.pk, method=OIDC, confirmed_at=claims["auth_time"])
    return _ACTS[entry["act"]](request, entry["payload"], presence)
