"""Two workers handed the same notification (a retry and an admin's "try again", or a task
requeued while its first run is still sending) send one email: the row lock in `deliver`."""

from __future__ import annotations

import threading
import time
from unittest import mock

import pytest
from django.core import mail

from mentorship.notify import deliver, notify
from tests.concurrency import run_together
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_workers_delivering_one_notification_send_one_email():
    carol = UserFactory(username="carol")
    notification = notify(
        to=carol,
        kind="test.hand_off",
        subject="Your partner proposed terms",
        template="emails/agreements/terms_proposed.txt",
        context={"actor": "Maria"},
        link="/agreements/1/",
    )
    sent = []
    lock = threading.Lock()

    def slow_send(subject, body, sender, recipients, **kwargs):
        time.sleep(0.3)  # long enough for the second worker to reach the row
        with lock:
            sent.append(recipients)
        return 1

    with mock.patch("mentorship.notify.send_mail", side_effect=slow_send):
        outcomes = run_together(lambda: deliver(notification.pk), lambda: deliver(notification.pk))

    assert outcomes == ["sent", "sent"]
    assert sent == [[carol.email]]
    assert mail.outbox == []  # both went through the patched sender
    notification.refresh_from_db()
    assert notification.attempts == 1
