"""Re-authentication before a sensitive act (signing an agreement)."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest

from mentorship.models import User


def reauthenticate(*, user: User, password: str, request: HttpRequest | None) -> bool:
    """True when `password` is the signed-in user's own.

    It goes through authenticate(), not check_password(), so login throttling (django-axes)
    counts a wrong password here like a failed login and locks out a stolen session that keeps
    guessing. Without a request (demo data, shell) there is nothing to throttle.
    """
    if request is None:
        return user.check_password(password)
    confirmed = authenticate(request, username=user.get_username(), password=password)
    return confirmed is not None and confirmed.pk == user.pk
