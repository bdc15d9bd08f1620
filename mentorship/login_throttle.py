"""Login throttling: per account from one address, and per address across every account.

django-axes counts failures for one set of lockout parameters against one limit. The account
limit must be small (five guesses at one password), but an address-wide limit that small would
lock out a whole office behind one NAT after five typos. So the address gets a limit of its own:
this handler reports an address that has reached it as locked, whatever the username, which
stops one address from spraying a few common passwords across every account.

Typos in an office do not add up: a successful login deletes that account's failures from that
address (AXES_RESET_ON_SUCCESS), so only failures nobody followed with the right password count.
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


class AccountAndAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        if address_failures(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures
