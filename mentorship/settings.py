"""Settings for the mentoring site, read from the environment.

The embedded default is a SQLite file beside manage.py; set DATABASE_URL for PostgreSQL.
Nothing secret lives in this file: with debug off, DJANGO_SECRET_KEY must be provided.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool = False) -> bool:
    # A typo must not quietly turn a security flag off: anything unreadable stops start-up.
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of {', '.join(sorted(TRUE_WORDS | FALSE_WORDS))}, got {value!r}"
    )


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"  # noqa: S105
# With debug off and no key, SECRET_KEY stays empty: commands that sign nothing (makemigrations,
# migrate, collectstatic) still run, Django refuses any use of the empty key, and the WSGI and
# ASGI entry points refuse to start (mentorship.startup.require_secret_key).

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "mentorship",
    "agreements",
    "promotions",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "pgtrigger",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "import_export",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "mentorship.middleware.RefuseNulMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "mentorship.middleware.SessionLifetimeMiddleware",
    "mentorship.middleware.UserTimeZoneMiddleware",
    "mentorship.middleware.NoStoreForAuthenticatedMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mentorship.urls"
WSGI_APPLICATION = "mentorship.wsgi.application"
ASGI_APPLICATION = "mentorship.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mentorship.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for the writer lock instead of failing at once when two requests write together.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

# Nothing the app serves depends on the default (per-process) cache. The program dashboard
# keeps its figures (counted from every pair, answer and statement) for TIMEOUT seconds,
# shared by every app instance: a cache in the database, whose table migration mentorship
# 0004 creates. The page shows how old the figures are.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "program_dashboard": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "mentorship_program_dashboard_cache",
        "TIMEOUT": env_int("DJANGO_PROGRAM_DASHBOARD_MAX_AGE", 300),
    },
}
# Statistical disclosure control on the program dashboard (promotions/program_dashboard.py):
# figures derived from confidential input are released in blocks of this many pairs or
# reviews, and any such count below it is withheld.
DISCLOSURE_MIN_CELL = env_int("DJANGO_DISCLOSURE_MIN_CELL", 5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "mentorship.User"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out login is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, refusing non-superusers when PASSWORD_LOGIN is off.
    "mentorship.sso.PasswordBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "mentorship:dashboard"
LOGOUT_REDIRECT_URL = "login"

# --- Single sign-on (OpenID Connect, mozilla-django-oidc; see mentorship/sso.py) -----------
# Off unless the provider's endpoints and this site's client id are all configured. Then people
# log in at the company's identity provider (authorization code flow with PKCE), are created
# or updated from its verified claims, and prove presence there again before signing.
OIDC_OP_ISSUER = os.environ.get("DJANGO_OIDC_ISSUER", "").rstrip("/")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("DJANGO_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("DJANGO_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("DJANGO_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("DJANGO_OIDC_JWKS_ENDPOINT", "")
OIDC_RP_CLIENT_ID = os.environ.get("DJANGO_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("DJANGO_OIDC_CLIENT_SECRET", "")
SSO_ENABLED = all(
    (
        OIDC_OP_ISSUER,
        OIDC_OP_AUTHORIZATION_ENDPOINT,
        OIDC_OP_TOKEN_ENDPOINT,
        OIDC_OP_USER_ENDPOINT,
        OIDC_OP_JWKS_ENDPOINT,
        OIDC_RP_CLIENT_ID,
    )
)
# What the login button says, e.g. "Microsoft" for "Log in with Microsoft".
SSO_PROVIDER_NAME = os.environ.get("DJANGO_OIDC_PROVIDER_NAME", "your company account")
OIDC_RP_SCOPES = os.environ.get("DJANGO_OIDC_SCOPES", "openid email profile")
# ID tokens are verified with the provider's published keys (JWKS), never a shared secret.
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_USE_NONCE = True
OIDC_TIMEOUT = env_int("DJANGO_OIDC_TIMEOUT", 10)
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"
# A refused login renders its own page (mentorship.sso.CallbackView); only a cancelled one
# comes back to the login page.
LOGIN_REDIRECT_URL_FAILURE = "login"
# Claims mapping, "field=claim,…": which claim fills each text field of the person at every
# login (mentorship.sso.claim_map checks the fields). Email is always the `email` claim, and
# is refused unless `email_verified` is true.
SSO_CLAIM_MAP = env_list("DJANGO_OIDC_CLAIM_MAP", "full_name=name")
SSO_CLAIM_GROUPS = os.environ.get("DJANGO_OIDC_CLAIM_GROUPS", "groups")
# The claim holding the person's line manager's email (empty: the provider does not say); a
# manager not known here by that email is left unset.
SSO_CLAIM_MANAGER_EMAIL = os.environ.get("DJANGO_OIDC_CLAIM_MANAGER_EMAIL", "")
# When set, membership of "Program admins" follows the provider: a person whose group claim
# holds this value is a program admin, and one whose claim lacks it is not, at every login.
SSO_PROGRAM_ADMIN_GROUP = os.environ.get("DJANGO_OIDC_PROGRAM_ADMIN_GROUP", "")
# Off: only superusers log in (and re-authenticate) with a password here; everyone else
# uses single sign-on.
PASSWORD_LOGIN = env_bool("DJANGO_PASSWORD_LOGIN", True)
# Re-authentication at the provider (signing, acknowledging a guideline) counts only when the
# ID token's auth_time is after the re-authentication began and at most this many seconds old.
SSO_REAUTH_MAX_AGE = env_int("DJANGO_OIDC_REAUTH_MAX_AGE", 120)
SSO_CLOCK_SKEW = env_int("DJANGO_OIDC_CLOCK_SKEW", 5)
# Always listed (it answers nothing while SSO_ENABLED is off), so switching SSO on needs no
# other change.
AUTHENTICATION_BACKENDS.append("mentorship.sso.CompanySignInBackend")
# --- end of single sign-on -------------------------------------------------------------------

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "mentoring@localhost")
# Links in emails need an absolute address; emails are sent outside a request.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Notifications are delivered by a worker from a queue in the project's own database
# (mentorship/notify.py): `manage.py db_worker` in production, started beside the server by
# `make run`. A failed email is tried again 1, 2, 4… minutes later, up to this many attempts.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
NOTIFICATION_MAX_ATTEMPTS = env_int("DJANGO_NOTIFICATION_MAX_ATTEMPTS", 8)

# Bulk onboarding (mentorship/imports.py): one file is one transaction and one request, dry run
# and confirmation each read it whole. Larger files are refused with a message saying to split
# them (bench/import_people.py measures the time a file of a given size takes).
IMPORT_MAX_ROWS = env_int("DJANGO_IMPORT_MAX_ROWS", 10_000)
IMPORT_MAX_PAIR_ROWS = env_int("DJANGO_IMPORT_MAX_PAIR_ROWS", 1_000)
IMPORT_MAX_BYTES = env_int("DJANGO_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
# The pages' reads compiled once per process run as PostgreSQL prepared statements of the
# connection (mentorship.statements.Prepared): planned once per connection, not per request.
# Turn off behind a pooler that hands out connections per transaction (PgBouncer's transaction
# mode), where a statement prepared on one server connection is missing on the next.
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)
# Where an uploaded file waits between its dry run and the confirmation: the site's own folder
# (created 0700, refused if anyone else owns it or may read it); a day-old one is deleted.
IMPORT_PENDING_DIR = os.environ.get(
    "DJANGO_IMPORT_PENDING_DIR", str(BASE_DIR / "var" / "pending-imports")
)
IMPORT_EXPORT_TMP_STORAGE_CLASS = "mentorship.imports.PendingImportStorage"
IMPORT_EXPORT_USE_TRANSACTIONS = True

# Sessions end after SESSION_IDLE_TIMEOUT seconds without a request, and SESSION_COOKIE_AGE
# seconds after login at the latest (see mentorship.middleware.SessionLifetimeMiddleware).
SESSION_IDLE_TIMEOUT = env_int("DJANGO_SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_MAX_AGE", 10 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# A strict policy: every script and stylesheet comes from this site, no inline code at all.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}

# Login throttling: five failures for one username from one address lock it for 15 minutes,
# and so do twenty failures from one address across all usernames (password spraying). A
# successful login clears its own failures, so an office behind one NAT does not add up typos.
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_HANDLER = "mentorship.login_throttle.AccountAndAddressHandler"
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# django-axes keeps a failed attempt's form data for the admin site. The signing form also
# carries the typed name and the text's hash, signature evidence no admin page may show; and a
# log of every successful login's address and browser is more than throttling needs.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "typed_name", "text_sha256"]
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
    if env_bool("DJANGO_BEHIND_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
