"""A mail server that is down when the worker runs does not undo or break the act it reports:
the act is saved and its page answers, the message waits in the inbox and the outbox with the
failed attempt recorded, and it goes out when the server is back. (The retry schedule itself is
tests/mentorship/test_outbox.py's.)"""

from __future__ import annotations

import datetime
import smtplib
from http import HTTPStatus
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mentorship.models import Notification
from mentorship.notify import retry_delay
from promotions.models import Statement, text_sha256
from promotions.services import consent_decline, consent_grant
from tests.outbox import delivered_to, run_worker

pytestmark = pytest.mark.django_db

MAIL_SERVER_DOWN = smtplib.SMTPException("mail server down")
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def test_consent_is_given_and_the_message_waits_while_the_mail_cannot_go(world, client):
    statement = world.statement("awaiting_consent", text="Growth seen in our sessions.")
    run_worker()  # what the world's setup queued
    mail.outbox.clear()
    client.force_login(world.mentee)
    client.raise_request_exception = False

    with time_machine.travel(START, tick=False) as clock:
        with mock.patch("mentorship.notify.send_mail", side_effect=MAIL_SERVER_DOWN):
            response = client.post(
                reverse("promotions:statement_consent", args=[statement.pk]),
                {"text_sha256": text_sha256(statement.text)},
            )
            run_worker()

        assert response.status_code == HTTPStatus.FOUND
        statement.refresh_from_db()
        assert statement.state == Statement.State.SHARED
        told = Notification.objects.get(recipient=world.mentor, kind="promotions.consent_granted")
        assert (told.email, told.attempts) == (Notification.Email.PENDING, 1)
        assert told.last_error == "SMTPException"
        assert told.next_attempt_at == timezone.now() + retry_delay(1)
        assert told.read_at is None  # in the mentor's inbox all along
        assert mail.outbox == []

        clock.shift(retry_delay(1))
        run_worker()

    told.refresh_from_db()
    assert (told.email, told.attempts) == (Notification.Email.SENT, 2)
    (message,) = delivered_to(world.mentor)
    assert message.subject == told.subject
    assert statement.text not in message.body


def test_one_failed_email_does_not_stop_the_next(world):
    granted = world.statement("awaiting_consent", text="Carol leads well.")
    declined = world.statement("awaiting_consent", kind="engagement", text="Carol engages.")
    run_worker()
    mail.outbox.clear()
    consent_grant(
        statement_id=granted.pk, mentee=world.mentee, text_sha256_seen=text_sha256(granted.text)
    )
    consent_decline(statement_id=declined.pk, mentee=world.mentee, reason="")
    sent = []

    def flaky(subject, body, sender, recipients, **kwargs):
        if not sent:
            sent.append("failed")
            raise MAIL_SERVER_DOWN
        sent.append(subject)

    with mock.patch("mentorship.notify.send_mail", side_effect=flaky):
        run_worker()

    emails = dict(
        Notification.objects.filter(
            kind__in=["promotions.consent_granted", "promotions.consent_declined"]
        ).values_list("kind", "email")
    )
    assert len(sent) == 2
    assert sent[0] == "failed"
    # Whichever the worker took first waits for its retry; the other went.
    assert sorted(emails.values()) == [Notification.Email.PENDING, Notification.Email.SENT]
    assert Notification.objects.get(email=Notification.Email.SENT).subject == sent[1]
