"""The mail server down while every notifying act of the product happens: nothing is lost, and
once it is back every message is delivered exactly once.

Every kind of notification the code can send is performed here (the test reads the kinds from
the notification and reminder modules, so a new kind fails it until it is added): the security
world's acts through the services, the admin's publication of a guideline version, a declined
proposal, an acknowledgement, an agreement ended with shared input, a pair started, every
reminder weeks later, and a daily summary.
"""

from __future__ import annotations

import datetime
import io
import re
import smtplib
from collections import Counter
from http import HTTPStatus
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from mentorship.models import EmailFrequency, Notification
from mentorship.notify import SUMMARY_KIND, retry_delay, send_daily_summaries
from promotions.reminders import ALL as REMINDERS
from tests.factories import (
    PairFactory,
    PromotionReviewFactory,
    PublishedGuidelineFactory,
    UserFactory,
)
from tests.factories.worlds import PASSWORD, answer_all, propose
from tests.outbox import run_worker
from tests.security.conftest import _build_world
from tests.security.web import browser, form_data

pytestmark = [pytest.mark.django_db, pytest.mark.any_database]

T0 = datetime.datetime(2026, 5, 4, 9, 0, tzinfo=datetime.UTC)
MAIL_SERVER_DOWN = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def every_kind() -> set[str]:
    """Each `kind=` the apps' notification modules write, every reminder, the daily summary."""
    kinds = {SUMMARY_KIND, *(reminder.kind for reminder in REMINDERS)}
    for module in Path(settings.BASE_DIR).glob("*/notifications.py"):
        kinds |= set(re.findall(r'kind="([a-z_]+\.[a-z_]+)"', module.read_text()))
    return kinds


def admin_submit(client, path: str, changes: dict) -> None:
    data = form_data(client.get(path))
    data.update({key: [value] for key, value in changes.items()})
    assert client.post(path, data).status_code == HTTPStatus.FOUND


def every_notifying_act(clock) -> None:
    world = _build_world()
    lee = world.users["lee"]
    lee.email_frequency = EmailFrequency.DAILY  # his messages wait for the summary
    lee.save(update_fields=["email_frequency"])
    hana = browser(world.users["hana"], enforce_csrf_checks=False)
    maria = browser(world.users["maria"], enforce_csrf_checks=False)
    carol = browser(world.users["carol"], enforce_csrf_checks=False)

    # Version 2: the active agreement is asked to review it, the open proposal is outdated.
    publish = reverse("admin:mentorship_guideline_publish", args=[world.draft_guideline.pk])
    response = hana.post(publish, form_data(hana.get(publish), "publish-form"))
    assert response.status_code == HTTPStatus.FOUND
    proposal = world.agreements["awaiting_signatures"]
    assert carol.post(reverse("agreements:withdraw", args=[proposal.pk])).status_code == 302
    active = world.agreements["active"]
    response = maria.post(
        reverse("agreements:acknowledge", args=[active.pk]),
        {"guideline_version": "2", "confirm": "on", "password": PASSWORD},
    )
    assert response.status_code == HTTPStatus.FOUND
    response = carol.post(reverse("agreements:end", args=[active.pk]), {"reason": "Moving on."})
    assert response.status_code == HTTPStatus.FOUND
    newcomer = UserFactory(full_name="Nina Newcomer")
    admin_submit(
        hana,
        reverse("admin:mentorship_pair_add"),
        {
            "program": str(world.program.pk),
            "mentor": str(world.users["maria"].pk),
            "mentee": str(newcomer.pk),
            "cadence_days": "14",
            "status": "proposed",
            "started_on": T0.date().isoformat(),
        },
    )
    # Terms awaiting signatures in a pair of their own, and a review with its assessment unwritten.
    proposing = PairFactory(started_on=T0.date())
    PublishedGuidelineFactory(program=proposing.program)
    answer_all(proposing, proposing.mentor)
    answer_all(proposing, proposing.mentee)
    propose(proposing)
    PromotionReviewFactory(
        program=world.program, candidate=world.users["carol"], supervisor=world.users["sam"]
    )
    # Weeks later, everything still waiting is reminded, and Lee's summary goes out.
    clock.move_to(T0 + datetime.timedelta(days=40))
    # A review whose decision is near, for the closing reminder.
    review = world.reviews["open"]
    review.refresh_from_db()
    review.decision_date = (T0 + datetime.timedelta(days=41)).date()
    review.save(update_fields=["decision_date"])
    call_command("send_reminders", stdout=io.StringIO())
    send_daily_summaries(now=T0 + datetime.timedelta(days=40))


def test_nothing_is_lost_while_the_mail_server_is_down_and_nothing_is_sent_twice():
    with time_machine.travel(T0, tick=False) as clock:
        with mock.patch("mentorship.notify.send_mail", side_effect=MAIL_SERVER_DOWN):
            every_notifying_act(clock)
            run_worker()
            for attempt in (1, 2, 3):  # down through three retries
                clock.shift(retry_delay(attempt))
                run_worker()
        assert mail.outbox == []
        kinds = set(Notification.objects.values_list("kind", flat=True))
        assert kinds == every_kind(), every_kind() ^ kinds
        waiting = Notification.objects.filter(email=Notification.Email.PENDING)
        expected = Counter(waiting.values_list("recipient__email", "subject"))
        assert sum(expected.values()) >= 40
        assert set(waiting.values_list("attempts", flat=True)) == {4}

        # The server is back: the next attempt of each is due after its fourth delay.
        clock.shift(retry_delay(4))
        run_worker()
        run_worker()

    delivered = Counter((message.to[0], message.subject) for message in mail.outbox)
    assert delivered == expected  # every message, each exactly once
    assert not Notification.objects.filter(email=Notification.Email.PENDING).exists()
    assert not Notification.objects.filter(email=Notification.Email.FAILED).exists()
