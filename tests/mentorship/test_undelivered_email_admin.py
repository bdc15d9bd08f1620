"""The undelivered emails admin (mentorship/admin_outbox.py): a program admin sees the emails
that failed for good, by recipient, day and attempts only, never what they say, and can have
them tried again; nobody else can, and no query string reaches what they say."""

from __future__ import annotations

import smtplib
from http import HTTPStatus
from unittest import mock

import pytest
from django.contrib import admin
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from mentorship.models import Notification
from mentorship.notify import notify
from tests.factories import ProgramAdminFactory, UserFactory
from tests.outbox import delivered_to, run_worker

pytestmark = pytest.mark.django_db

SUBJECT_MARKER = "Canary41Subject"
BODY_MARKER = "Canary42Body"
KIND = "promotions.consent_declined"
LINK = "/reviews/4242/input/"
CHANGELIST = reverse("admin:mentorship_notification_changelist")


def tell(person, subject: str) -> Notification:
    return notify(
        to=person,
        kind=KIND,
        subject=subject,
        template="emails/agreements/terms_proposed.txt",
        context={"actor": BODY_MARKER},
        link=LINK,
    )


@pytest.fixture
def hana():
    return ProgramAdminFactory(username="hana", full_name="Hana Admin")


@pytest.fixture
def failed(db) -> Notification:
    """Maria's email, refused by the mail server on its only attempt; Paul's waits for a retry,
    Sue's went."""
    tell(UserFactory(username="sue", full_name="Sue Sent"), "Sent fine")
    run_worker()  # Sue's goes
    maria = UserFactory(username="maria", full_name="Maria Lopez")
    notification = tell(maria, f"Carol declined to share your statement {SUBJECT_MARKER}")
    refused = smtplib.SMTPRecipientsRefused({maria.email: (550, b"No such user")})
    with (
        override_settings(NOTIFICATION_MAX_ATTEMPTS=1),
        mock.patch("mentorship.notify.send_mail", side_effect=refused),
    ):
        run_worker()
    tell(UserFactory(username="paul", full_name="Paul Pending"), "Waiting")  # not yet tried
    notification.refresh_from_db()
    assert (notification.email, notification.attempts) == (Notification.Email.FAILED, 1)
    mail.outbox.clear()
    return notification


def change_page(notification) -> str:
    return reverse("admin:mentorship_notification_change", args=[notification.pk])


def try_again(client, notification):
    return client.post(
        CHANGELIST, {"action": "try_again", "_selected_action": [str(notification.pk)]}
    )


def test_a_program_admin_sees_failed_emails_by_recipient_day_and_attempts_only(
    client, hana, failed
):
    client.force_login(hana)

    changelist = client.get(CHANGELIST)
    change = client.get(change_page(failed))

    assert (changelist.status_code, change.status_code) == (HTTPStatus.OK, HTTPStatus.OK)
    listed = changelist.content.decode()
    assert "Maria Lopez" in listed
    assert "1 undelivered email" in listed
    # Waiting or sent: not here.
    assert "Paul Pending" not in listed
    assert "Sue Sent" not in listed
    for page in (listed, change.content.decode()):
        assert "Maria Lopez" in page
        for hidden in (SUBJECT_MARKER, "declined to share", BODY_MARKER, KIND, LINK):
            assert hidden not in page


def test_try_again_queues_the_email_and_the_worker_sends_it(client, hana, failed):
    client.force_login(hana)

    response = try_again(client, failed)

    assert response.status_code == HTTPStatus.FOUND
    failed.refresh_from_db()
    assert (failed.email, failed.attempts) == (Notification.Email.PENDING, 0)
    assert mail.outbox == []
    run_worker()
    failed.refresh_from_db()
    assert failed.email == Notification.Email.SENT
    (message,) = delivered_to(failed.recipient)
    assert SUBJECT_MARKER in message.subject  # the email itself, to its recipient
    assert "Maria Lopez" not in client.get(CHANGELIST).content.decode()  # no longer failed


def test_staff_without_the_permission_can_neither_see_nor_try_again(client, failed):
    client.force_login(UserFactory(username="stan", is_staff=True))
    tasks = DBTaskResult.objects.count()

    assert client.get(CHANGELIST).status_code == HTTPStatus.FORBIDDEN
    assert client.get(change_page(failed)).status_code == HTTPStatus.FORBIDDEN
    assert try_again(client, failed).status_code == HTTPStatus.FORBIDDEN
    failed.refresh_from_db()
    assert failed.email == Notification.Email.FAILED
    assert DBTaskResult.objects.count() == tasks


def test_nobody_adds_or_deletes_a_notification_here(client, hana, failed):
    client.force_login(hana)
    delete = reverse("admin:mentorship_notification_delete", args=[failed.pk])
    add = reverse("admin:mentorship_notification_add")
    assert client.get(add).status_code == HTTPStatus.FORBIDDEN
    assert client.post(delete, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    assert Notification.objects.filter(pk=failed.pk).exists()


@pytest.mark.parametrize(
    "query",
    [
        f"subject__icontains={SUBJECT_MARKER}",
        f"body__icontains={BODY_MARKER}",
        f"kind={KIND}",
        "kind__startswith=promotions",
        "link__startswith=/reviews/",
        "read_at__isnull=True",
        "email=pending",
        "recipient__email__startswith=maria",
    ],
)
def test_no_query_string_reaches_what_a_notification_says(client, hana, failed, query):
    client.force_login(hana)
    refusal = client.get(f"{CHANGELIST}?no_such_field=1")
    assert refusal.status_code == HTTPStatus.BAD_REQUEST

    response = client.get(f"{CHANGELIST}?{query}")

    assert (response.status_code, response.content) == (HTTPStatus.BAD_REQUEST, refusal.content)


def test_the_task_rows_have_no_admin_of_their_own():
    assert admin.site.is_registered(Notification)
    assert not admin.site.is_registered(DBTaskResult)


def test_no_admin_page_shows_the_time_an_email_was_queued(client, hana, failed):
    """The minute a mentor's email was queued can tell which act of the mentee caused it; the
    change and history pages print the object's name, which carries the day only."""
    client.force_login(hana)
    minute = f"{failed.created_at:%H:%M}"
    object_pages = [
        reverse("admin:mentorship_notification_change", args=[failed.pk]),
        reverse("admin:mentorship_notification_history", args=[failed.pk]),
    ]
    for page in object_pages:
        body = client.get(page).content.decode()
        assert f"of {failed.created_at:%Y-%m-%d}" in body, page  # the object's name: its day
        assert minute not in body, page
    assert minute not in client.get(CHANGELIST).content.decode()
