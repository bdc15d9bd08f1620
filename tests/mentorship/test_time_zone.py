"""Dates are shown in the user's own time zone."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.test import RequestFactory

from mentorship.middleware import UserTimeZoneMiddleware
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.any_database]

MOMENT = datetime.datetime(2026, 11, 28, 23, 30, tzinfo=datetime.UTC)


def render_for(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template('{{ moment|date:"Y-m-d H:i" }}')
    return UserTimeZoneMiddleware(lambda r: template.render(Context({"moment": MOMENT})))(request)


def test_dates_follow_the_users_zone():
    assert render_for(UserFactory(time_zone="Asia/Tokyo")) == "2026-11-29 08:30"


def test_blank_zone_uses_the_sites():
    assert render_for(UserFactory(time_zone="")) == "2026-11-28 23:30"


def test_unknown_zone_is_refused():
    with pytest.raises(ValidationError):
        UserFactory(time_zone="Mars/Olympus").full_clean()
