"""Configuration comes from the environment; a missing secret is named clearly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.any_database

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(  # noqa: S603 - our own interpreter and test code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def run_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    return run_python(
        "import mentorship.settings as s; print(s.DATABASES['default']['ENGINE'])", env
    )


def test_secret_key_required_to_serve_with_debug_off():
    for entry_point in ("mentorship.wsgi", "mentorship.asgi"):
        result = run_python(f"import {entry_point}", {})
        assert result.returncode != 0, entry_point
        assert "DJANGO_SECRET_KEY" in result.stderr, entry_point


def test_entry_points_serve_with_a_key():
    result = run_python("import mentorship.wsgi", {"DJANGO_SECRET_KEY": "x" * 50})
    assert result.returncode == 0, result.stderr


def test_build_time_commands_run_without_a_key():
    # makemigrations, migrate and collectstatic sign nothing; only serving needs the key.
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_debug_defaults_to_sqlite():
    result = run_settings({"DJANGO_DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_database_url_selects_postgres():
    result = run_settings(
        {"DJANGO_SECRET_KEY": "x" * 50, "DATABASE_URL": "postgres://u@127.0.0.1:5432/db"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_an_unreadable_boolean_stops_start_up_naming_the_variable():
    # "ture" read as False would have turned HSTS preload, secure cookies or the redirect off.
    result = run_settings({"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_SECURE_SSL_REDIRECT": "ture"})
    assert result.returncode != 0
    assert "DJANGO_SECURE_SSL_REDIRECT" in result.stderr
    assert "'ture'" in result.stderr


def test_booleans_read_the_usual_words():
    for word, expected in [("off", "False"), ("No", "False"), ("1", "True"), ("yes", "True")]:
        result = run_python(
            "import mentorship.settings as s; print(s.SECURE_SSL_REDIRECT)",
            {"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_SECURE_SSL_REDIRECT": word},
        )
        assert result.stdout.strip() == expected, (word, result.stderr)
