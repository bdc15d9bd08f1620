"""Session lifetime and caching rules for pages of signed-in users."""

from __future__ import annotations

import time
import zoneinfo
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme

SESSION_STARTED = "_session_started"
SESSION_LAST_SEEN = "_session_last_seen"
# Writing the session on every request would cost a database write per page; a minute of
# slack on the idle timer is harmless.
LAST_SEEN_RESOLUTION = 60


class SessionLifetimeMiddleware:
    """End a session after an idle period, and at an absolute lifetime after login."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            started = request.session.setdefault(SESSION_STARTED, now)
            last_seen = request.session.get(SESSION_LAST_SEEN, now)
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT
            too_old = now - started > settings.SESSION_COOKIE_AGE
            if idle or too_old:
                logout(request)
                return _after_session_end(request)
            if now - last_seen >= LAST_SEEN_RESOLUTION or SESSION_LAST_SEEN not in request.session:
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


def _after_session_end(request) -> HttpResponse:
    """To the login page, and back to where the user was. A page they asked for is asked for
    again after login; a form they sent is not: it cannot be sent again by a redirect (its
    target may answer only POST, like logout), so they go back to the page they sent it from,
    and are told it was not saved."""
    if request.method in ("GET", "HEAD"):
        messages.info(request, "Your session ended. Please log in again.")
        return redirect_to_login(request.get_full_path())
    if request.path == reverse("logout"):
        messages.info(request, "Your session had already ended: you are logged out.")
        return redirect(settings.LOGOUT_REDIRECT_URL)
    messages.warning(
        request,
        "Your session ended before you sent that, so it was not saved. Please log in "
        "and send it again.",
    )
    came_from = urlsplit(request.META.get("HTTP_REFERER", ""))
    back = urlunsplit(("", "", came_from.path, came_from.query, ""))
    allowed = url_has_allowed_host_and_scheme(
        request.META.get("HTTP_REFERER", ""),
        allowed_hosts={request.get_host()},
        require_https=request.is_secure(),
    )
    return redirect_to_login(back if allowed and came_from.path.startswith("/") else "/")


class RefuseNulMiddleware:
    """Answer 400 to a NUL character in the path or the query string.

    PostgreSQL text cannot hold NUL; without this, a NUL in an admin filter or autocomplete
    term reached the database driver and became a 500. Submitted forms are left to the forms,
    which refuse NUL field by field with a message and keep what the user typed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(request.GET):
            raise SuspiciousOperation("NUL character in the request")
        return self.get_response(request)


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in data.getlist(key)) for key in data)


class UserTimeZoneMiddleware:
    """Show dates and times in the signed-in user's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        zone = getattr(user, "time_zone", "") if user is not None else ""
        if zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class NoStoreForAuthenticatedMiddleware:
    """Keep pages for signed-in users out of shared and browser caches."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)  # includes no-store and private
        return response
