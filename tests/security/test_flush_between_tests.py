"""Transactional and live-server tests still start from an empty database on PostgreSQL.

pytest-django empties the database after each of them with `manage.py flush`, whose TRUNCATE the
append-only tables refuse unless the project's flush command lets their triggers stand aside
(mentorship/management/commands/flush.py). The first test commits rows to every append-only
table while a live server runs; the second, run after it in file order, finds them empty. On
SQLite (no triggers) the same holds with Django's DELETE-based flush.
"""

from __future__ import annotations

import urllib.request
from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.security.test_immutability_database import (
    APPEND_ONLY_TABLES,
    build_committed_world,
    row_counts,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_live_server_test_commits_append_only_rows(live_server):
    build_committed_world()
    with urllib.request.urlopen(live_server.url + reverse("login")) as response:  # noqa: S310
        assert response.status == HTTPStatus.OK
    assert all(row_counts().values())


def test_the_next_transactional_test_starts_empty():
    assert row_counts() == dict.fromkeys(APPEND_ONLY_TABLES, 0)
