"""Test settings: the main settings with a fast hasher and an in-memory outbox.

DATABASE_URL picks the database exactly as in production (SQLite by default).
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-used-anywhere-else")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from mentorship.settings import *  # noqa: F403
from mentorship.settings import CACHES, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Login throttling is tested on its own (tests/mentorship/test_login_throttling.py), where it is
# switched back on; elsewhere client.login() has no request for django-axes to look at.
AXES_ENABLED = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SITE_URL = "http://testserver"
# Serve static files from the apps and static/ directly, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Each test sees the figures of its own data: the program dashboard's cache is off here, and
# tested as deployed in tests/mentorship/test_program_dashboard_cache.py.
CACHES = {**CACHES, "program_dashboard": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
