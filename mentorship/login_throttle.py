"""Login throttling: per account from one address, and per address across every account.

django-axes counts failures for one set of lockout parameters against one limit. The account
limit must be small (five guesses at one password), but an address-wide limit that small would
lock out a whole office behind one NAT after five typos. So the address gets a limit of its own:
this handler reports an address that has reached it as locked, whatever the username, which
stops one address from spraying a few common passwords across every account.

Typos in an office do not add up: a successful login deletes that account's failures from that
address (AXES_RESET_ON_SUCCESS), so only failures nobody followed with the right password count.

Only password attempts count, and only they are locked: the company sign-in's callback
(mentorship.sso) carries the provider's nonce and PKCE verifier, not a password, so nothing in
it can be guessed. Its refusals (an unverified email, a deactivated account) are not guesses and
must not lock an office's address, and password guesses from an address must not stop its
people signing in with the provider.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def address_failures(request) -> int:
    """Failed logins from the request's address, for any username, within the cool-off time."""
    address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    if not address:
        return 0
    total = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return total or 0


def is_password_attempt(credentials: dict | None) -> bool:
    """Whether a login tried a password: the login forms and a signature's re-check pass one
    (masked by the time the failure signal carries it); the sign-in callback passes none."""
    return bool(credentials) and credentials.get("password") is not None


class AccountAndAddressHandler(AxesDatabaseHandler):
    def is_allowed(self, request, credentials: dict | None = None) -> bool:
        if credentials is not None and not is_password_attempt(credentials):
            return True
        return super().is_allowed(request, credentials)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if not is_password_attempt(credentials):
            return None
        return super().user_login_failed(sender, credentials, request, **kwargs)

    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        if address_failures(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures
