"""My mentoring points to the inbox when something in it is unread, read from the user row
(no query of its own)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from mentorship.notify import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def dashboard(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("mentorship:dashboard")).content.decode()


def tell(user, n: int = 1) -> None:
    for _ in range(n):
        with transaction.atomic():
            notify(
                to=user,
                kind="mentorship.test",
                subject="Something happened",
                template="emails/mentorship/daily_summary.txt",
                context={"entries": [], "inbox": ""},
                link=reverse("mentorship:dashboard"),
            )


def test_unread_messages_are_pointed_to(client):
    person = UserFactory()
    tell(person, 3)
    page = dashboard(client, person)
    assert "3 unread in your inbox" in page
    assert f'href="{reverse("mentorship:inbox")}"' in page
    assert "Something happened" not in page  # the count, not the messages


def test_no_pointer_when_all_is_read(client):
    person = UserFactory()
    page = dashboard(client, person)
    assert "unread in your inbox" not in page
    tell(person)
    client.post(reverse("mentorship:inbox_read_all"))
    assert "unread in your inbox" not in dashboard(client, person)


def test_the_count_is_the_users_own(client):
    tell(UserFactory(), 2)
    assert "unread in your inbox" not in dashboard(client, UserFactory())
