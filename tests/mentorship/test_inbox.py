"""The inbox: each person reads their own notifications (subject and link, newest first, a page
at a time), opening one marks it read and goes to its page, and someone else's notification is
a 404 like one that does not exist."""

from __future__ import annotations

import datetime
import re
from http import HTTPStatus

import pytest
import time_machine
from django.urls import reverse

from mentorship.inbox import NOTIFICATIONS_PER_PAGE
from mentorship.models import Notification
from mentorship.notify import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
BODY_TEXT = "Bodytext-only-in-the-email"
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
SUBJECT = re.compile(
    r'<button type="submit" class="btn btn-link[^"]*">(?:<span[^>]*>New</span>)?([^<]+)</button>'
)


@pytest.fixture
def carol():
    return UserFactory(username="carol", full_name="Carol Chen")


@pytest.fixture
def maria():
    return UserFactory(username="maria", full_name="Maria Lopez")


def tell(person, subject: str, *, link: str = "/agreements/") -> Notification:
    return notify(
        to=person,
        kind="test.hand_off",
        subject=subject,
        template="emails/agreements/terms_proposed.txt",
        context={"actor": BODY_TEXT},
        link=link,
    )


def unread(person) -> int:
    person.refresh_from_db()
    return person.unread_notifications


def subjects_on(client, page: int = 1) -> list[str]:
    response = client.get(reverse("mentorship:inbox"), {"page": page})
    assert response.status_code == HTTPStatus.OK
    return SUBJECT.findall(response.content.decode())


def open_(client, notification_id: int):
    return client.post(reverse("mentorship:notification_open", args=[notification_id]))


def test_the_inbox_lists_only_ones_own_notifications_newest_first_a_page_at_a_time(
    client, carol, maria
):
    count = NOTIFICATIONS_PER_PAGE + 5
    with time_machine.travel(START, tick=False) as clock:
        for n in range(count):
            tell(carol, f"For Carol {n:02d}")
            tell(maria, f"For Maria {n:02d}")
            clock.shift(datetime.timedelta(minutes=1))
    client.force_login(carol)

    first, second = subjects_on(client, 1), subjects_on(client, 2)

    newest_first = [f"For Carol {n:02d}" for n in reversed(range(count))]
    assert first == newest_first[:NOTIFICATIONS_PER_PAGE]
    assert second == newest_first[NOTIFICATIONS_PER_PAGE:]
    assert subjects_on(client, 3) == []


def test_the_unread_count_follows_each_notification_and_each_reading(client, carol, maria):
    client.force_login(carol)
    first = tell(carol, "One")
    assert unread(carol) == 1
    tell(carol, "Two")
    tell(carol, "Three")
    tell(maria, "Not Carol's")
    assert unread(carol) == 3
    assert unread(maria) == 1

    open_(client, first.pk)
    assert unread(carol) == 2
    open_(client, first.pk)  # already read: nothing to count down
    assert unread(carol) == 2

    response = client.post(reverse("mentorship:inbox_read_all"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("mentorship:inbox")
    assert unread(carol) == 0
    assert not Notification.objects.filter(recipient=carol, read_at__isnull=True).exists()
    assert unread(maria) == 1  # her own stay unread

    tell(carol, "Four")
    assert unread(carol) == 1
    assert unread(carol) == Notification.objects.filter(recipient=carol, read_at=None).count()


def test_opening_marks_read_and_goes_to_the_page_it_is_about(client, carol):
    notification = tell(carol, "Maria proposed terms", link="/agreements/7/")
    client.force_login(carol)

    response = open_(client, notification.pk)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/agreements/7/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_someone_elses_notification_is_a_404_like_a_missing_one_and_stays_unread(
    client, carol, maria
):
    hers = tell(maria, "Carol declined to share your statement", link="/reviews/1/input/")
    client.force_login(carol)

    hidden = open_(client, hers.pk)
    missing = open_(client, hers.pk + 1)

    assert hidden.status_code == missing.status_code == HTTPStatus.NOT_FOUND
    # The same page, byte for byte but for the form token (masked afresh on every page).
    assert CSRF.sub(b"", hidden.content) == CSRF.sub(b"", missing.content)
    hers.refresh_from_db()
    assert hers.read_at is None
    assert unread(maria) == 1
    assert "Carol declined" not in "".join(subjects_on(client))


@pytest.mark.parametrize(
    "link",
    [
        "http://evil.example/",
        "https://evil.example/agreements/",
        "//evil.example/",
        "javascript:alert(1)",
        "\\\\evil.example",
    ],
)
def test_a_stored_off_site_link_never_sends_anyone_off_site(client, carol, link):
    notification = tell(carol, "A link gone wrong", link=link)
    client.force_login(carol)

    response = open_(client, notification.pk)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("mentorship:inbox")
    notification.refresh_from_db()
    assert notification.read_at is not None  # read all the same


@pytest.mark.parametrize("name", ["inbox_read_all", "notification_open"])
def test_the_actions_answer_post_only(client, carol, name):
    notification = tell(carol, "One")
    client.force_login(carol)
    args = [notification.pk] if name == "notification_open" else []

    response = client.get(reverse(f"mentorship:{name}", args=args))

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    notification.refresh_from_db()
    assert notification.read_at is None
    assert unread(carol) == 1


def test_the_inbox_shows_subjects_and_links_never_the_message_itself(client, carol):
    notification = tell(carol, "Maria proposed terms", link="/agreements/7/")
    assert BODY_TEXT in notification.body  # what the email says
    client.force_login(carol)

    page = client.get(reverse("mentorship:inbox")).content.decode()

    assert "Maria proposed terms" in page
    assert reverse("mentorship:notification_open", args=[notification.pk]) in page
    assert BODY_TEXT not in page
    assert "test.hand_off" not in page  # nor its kind


def test_a_visitor_who_is_not_signed_in_is_sent_to_log_in(client, carol):
    notification = tell(carol, "One")
    for response in (
        client.get(reverse("mentorship:inbox")),
        client.post(reverse("mentorship:inbox_read_all")),
        open_(client, notification.pk),
    ):
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("login"))
    assert unread(carol) == 1
