"""The health endpoint tells a load balancer whether the database answers."""

from __future__ import annotations

from http import HTTPStatus
from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_health_reports_database_ok(client):
    response = client.get(reverse("mentorship:health"))
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_reports_unreachable_database(client):
    with mock.patch("mentorship.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get(reverse("mentorship:health"))
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["database"] == "unreachable"


def test_health_answers_head_for_load_balancers(client):
    assert client.head(reverse("mentorship:health")).status_code == HTTPStatus.OK


def test_health_refuses_writes(client):
    response = client.post(reverse("mentorship:health"))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response["Allow"] == "GET, HEAD"
