"""Settings for the load bench: production settings (DEBUG off) served over plain HTTP on
localhost, plus a baseline page under bench/urls.py. Never used in production: production has
no /bench/ URL because it never loads this module.

DATABASE_URL picks the database, as in production (the bench uses the scale database).
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-never-used-in-production")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
# Plain HTTP on localhost: no HTTPS redirect, cookies without the Secure flag.
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
os.environ.setdefault("DJANGO_SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

from mentorship.settings import *  # noqa: F403
from mentorship.settings import BASE_DIR

ROOT_URLCONF = "bench.urls"
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", str(BASE_DIR / "staticfiles"))
# The load tool sends many requests as one user from one address; the throttle only counts
# failed logins, which the bench does not make.

TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]  # noqa: F405

if os.environ.get("BENCH_PLAIN_STATIC"):
    # Static files from the finders, no collectstatic (tests/performance/test_scale_out.py).
    STORAGES = {
        **STORAGES,  # noqa: F405
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    WHITENOISE_USE_FINDERS = True
