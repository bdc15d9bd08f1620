"""A mail server that fails after commit does not turn a completed act into an error page."""

from __future__ import annotations

import logging
import smtplib
from http import HTTPStatus
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from mentorship.notify import notify_on_commit
from promotions.models import Statement, text_sha256

pytestmark = pytest.mark.django_db(transaction=True)

MAIL_SERVER_DOWN = smtplib.SMTPException("mail server down")


def test_consent_is_given_and_the_page_answers_when_the_mail_cannot_go(world, client, caplog):
    statement = world.statement("awaiting_consent", text="Growth seen in our sessions.")
    client.force_login(world.mentee)
    client.raise_request_exception = False

    with (
        mock.patch("mentorship.notify.send_mail", side_effect=MAIL_SERVER_DOWN),
        caplog.at_level(logging.ERROR, logger="django.db.backends.base"),
    ):
        response = client.post(
            reverse("promotions:statement_consent", args=[statement.pk]),
            {"text_sha256": text_sha256(statement.text)},
        )

    assert response.status_code == HTTPStatus.FOUND
    statement.refresh_from_db()
    assert statement.state == Statement.State.SHARED
    assert "mail server down" in caplog.text  # logged for whoever runs the site


def test_one_failed_mail_does_not_stop_the_next(world):
    sent = []

    def flaky(subject, body, sender, recipients, **kwargs):
        if not sent:
            sent.append("failed")
            raise MAIL_SERVER_DOWN
        sent.append(recipients[0])

    with (
        mock.patch("mentorship.notify.send_mail", side_effect=flaky),
        mock.patch("mentorship.notify.render_to_string", return_value="A link."),
        transaction.atomic(),
    ):
        for person in (world.mentor, world.mentee):
            notify_on_commit(to=person, subject="Test", template="unused.txt", context={})
    assert sent == ["failed", world.mentee.email]
    assert mail.outbox == []  # both went through the patched sender
