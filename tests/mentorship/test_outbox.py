"""The durable outbox: a notification is written with its act, delivered by the worker exactly
once, retried with growing delays while the mail server is down, and marked failed (for the
program admin to see) when it never goes."""

from __future__ import annotations

import datetime
import smtplib
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mentorship.models import EmailFrequency, Notification
from mentorship.notify import (
    deliver,
    notify,
    requeue_stale,
    retry_delay,
    send_daily_summaries,
    try_again,
)
from tests.factories import UserFactory
from tests.outbox import delivered_to, run_worker

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
MAIL_SERVER_DOWN = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def tell(person, *, required: bool = False) -> Notification:
    return notify(
        to=person,
        kind="test.hand_off",
        subject="Your partner proposed terms",
        template="emails/agreements/terms_proposed.txt",
        context={"actor": "Maria"},
        link="/agreements/1/",
        required=required,
    )


@pytest.fixture
def carol():
    return UserFactory(username="carol", full_name="Carol Mentee")


def test_the_message_and_its_task_are_written_with_the_act_or_not_at_all(carol):
    class ActFailed(Exception):
        pass

    def act_that_fails():
        with transaction.atomic():
            tell(carol)
            raise ActFailed

    with pytest.raises(ActFailed):
        act_that_fails()
    assert not Notification.objects.exists()
    assert not DBTaskResult.objects.exists()

    with transaction.atomic():
        notification = tell(carol)
    assert DBTaskResult.objects.get().args_kwargs == {"args": [notification.pk], "kwargs": {}}
    assert mail.outbox == []  # nothing is sent by the request itself


def test_the_worker_sends_each_email_once(carol):
    notification = tell(carol)
    run_worker()
    run_worker()
    assert deliver(notification.pk) == Notification.Email.SENT  # a third run sends nothing
    (message,) = delivered_to(carol)
    assert message.subject == "Your partner proposed terms"
    assert "http://testserver/agreements/1/" in message.body
    notification.refresh_from_db()
    assert (notification.email, notification.attempts) == (Notification.Email.SENT, 1)
    assert notification.sent_at is not None


def test_a_mail_server_down_for_a_while_loses_nothing_and_sends_nothing_twice(carol):
    people = [carol, *(UserFactory() for _ in range(3))]
    with time_machine.travel(START, tick=False) as clock:
        for person in people:
            tell(person)
            tell(person, required=True)

        with mock.patch("mentorship.notify.send_mail", side_effect=MAIL_SERVER_DOWN):
            run_worker()  # first attempt: every one fails
            for minutes in (1, 2, 4):  # the server stays down through three retries
                clock.shift(datetime.timedelta(minutes=minutes))
                run_worker()
        assert mail.outbox == []
        waiting = Notification.objects.filter(email=Notification.Email.PENDING)
        assert waiting.count() == 8
        assert set(waiting.values_list("attempts", flat=True)) == {4}
        assert set(waiting.values_list("last_error", flat=True)) == {"SMTPServerDisconnected"}

        run_worker()  # the server is back, but the next attempt is not due yet
        assert mail.outbox == []

        clock.shift(retry_delay(4))
        run_worker()
        run_worker()

    assert len(mail.outbox) == 8
    for person in people:
        assert len(delivered_to(person)) == 2
    assert set(Notification.objects.values_list("email", flat=True)) == {"sent"}


@override_settings(NOTIFICATION_MAX_ATTEMPTS=3)
def test_an_email_that_never_goes_is_marked_failed_and_can_be_tried_again(carol):
    notification = tell(carol)
    with (
        time_machine.travel(START, tick=False) as clock,
        mock.patch("mentorship.notify.send_mail", side_effect=MAIL_SERVER_DOWN),
    ):
        for _ in range(5):
            run_worker()
            clock.shift(datetime.timedelta(hours=1))
    notification.refresh_from_db()
    assert (notification.email, notification.attempts) == (Notification.Email.FAILED, 3)
    assert notification.next_attempt_at is None

    assert try_again(Notification.objects.all()) == 1
    run_worker()
    notification.refresh_from_db()
    assert notification.email == Notification.Email.SENT
    assert len(delivered_to(carol)) == 1


def test_retries_wait_longer_each_time_up_to_six_hours():
    delays = [retry_delay(attempt) for attempt in (1, 2, 3, 4, 10, 20)]
    assert delays == [
        datetime.timedelta(minutes=1),
        datetime.timedelta(minutes=2),
        datetime.timedelta(minutes=4),
        datetime.timedelta(minutes=8),
        datetime.timedelta(hours=6),
        datetime.timedelta(hours=6),
    ]


def test_an_email_whose_task_was_lost_is_queued_again(carol):
    with time_machine.travel(START, tick=False):
        notification = tell(carol)
    DBTaskResult.objects.all().delete()  # pruned, or never written by a broken deploy
    assert requeue_stale(now=START, older_than=datetime.timedelta(hours=1)) == 0
    later = START + datetime.timedelta(hours=2)
    assert requeue_stale(now=later, older_than=datetime.timedelta(hours=1)) == 1
    run_worker()
    notification.refresh_from_db()
    assert notification.email == Notification.Email.SENT


def test_a_task_claimed_by_a_worker_that_died_is_replaced(carol):
    with time_machine.travel(START, tick=False):
        notification = tell(carol)
        # The worker claimed it, then was killed: the row says "running" for ever.
        DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now())
    later = START + datetime.timedelta(hours=2)
    assert requeue_stale(now=later, older_than=datetime.timedelta(hours=1)) == 1
    run_worker()
    notification.refresh_from_db()
    assert notification.email == Notification.Email.SENT
    assert len(delivered_to(carol)) == 1


def test_an_email_whose_task_waits_for_a_worker_is_left_alone(carol):
    """No worker ran for hours: the sweep adds no second task (which would burn the email's
    attempts twice as fast); the first worker to come sends it once."""
    with time_machine.travel(START, tick=False):
        notification = tell(carol)
    days_later = START + datetime.timedelta(days=2)
    assert requeue_stale(now=days_later, older_than=datetime.timedelta(hours=1)) == 0
    assert DBTaskResult.objects.count() == 1
    run_worker()
    notification.refresh_from_db()
    assert (notification.email, notification.attempts) == (Notification.Email.SENT, 1)


@pytest.mark.parametrize(
    ("frequency", "required", "expected"),
    [
        (EmailFrequency.IMMEDIATELY, False, Notification.Email.PENDING),
        (EmailFrequency.DAILY, False, Notification.Email.DIGEST),
        (EmailFrequency.OFF, False, Notification.Email.NOT_SENT),
        (EmailFrequency.DAILY, True, Notification.Email.PENDING),
        (EmailFrequency.OFF, True, Notification.Email.PENDING),
    ],
)
def test_the_recipients_preference_decides_the_email_except_what_the_program_requires(
    frequency, required, expected
):
    person = UserFactory(email_frequency=frequency)
    notification = tell(person, required=required)
    assert notification.email == expected
    assert DBTaskResult.objects.exists() is (expected == Notification.Email.PENDING)


def test_someone_without_an_address_still_gets_the_inbox_entry():
    person = UserFactory(email="")
    notification = tell(person, required=True)
    assert notification.email == Notification.Email.NOT_SENT
    person.refresh_from_db()
    assert person.unread_notifications == 1


def test_a_failure_is_recorded_by_class_never_by_the_servers_words(carol):
    notification = tell(carol)
    echo = smtplib.SMTPDataError(554, b"rejected: Your partner proposed terms to carol@")
    with mock.patch("mentorship.notify.send_mail", side_effect=echo):
        run_worker()
    notification.refresh_from_db()
    assert notification.last_error == "SMTPDataError"
    assert notification.next_attempt_at > timezone.now()


def test_the_daily_summary_lists_the_days_entries_once():
    person = UserFactory(email_frequency=EmailFrequency.DAILY)
    with time_machine.travel(START, tick=False):
        tell(person)
        tell(person)
    assert send_daily_summaries(now=START) == 1
    assert send_daily_summaries(now=START + datetime.timedelta(hours=1)) == 0  # nothing new
    run_worker()
    (summary,) = delivered_to(person)
    assert summary.subject == "Your mentoring summary: 2 new notifications"
    assert summary.body.count("Your partner proposed terms") == 2
    assert summary.body.count("http://testserver/agreements/1/") == 2

    with time_machine.travel(START + datetime.timedelta(hours=3), tick=False):
        tell(person)
    # Within 20 hours of the last summary the new entry waits for tomorrow's.
    assert send_daily_summaries(now=START + datetime.timedelta(hours=4)) == 0
    assert send_daily_summaries(now=START + datetime.timedelta(days=1)) == 1
    person.refresh_from_db()
    assert person.unread_notifications == 3  # the summary itself is not an inbox entry
    assert Notification.objects.filter(recipient=person, in_inbox=True).count() == 3
