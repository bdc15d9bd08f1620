"""Checks the serving entry points (wsgi, asgi) make before they answer a single request."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_secret_key() -> None:
    try:
        settings.SECRET_KEY  # noqa: B018 - Django refuses an empty key on access
    except ImproperlyConfigured as exc:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. It is required when DJANGO_DEBUG is off; "
            "set it to a long random string (or set DJANGO_DEBUG=1 for local development)."
        ) from exc
