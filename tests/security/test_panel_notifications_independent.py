"""Issue 12, channel 7: nothing a panel member receives depends on input.

A panel member may learn what the candidate consented to share by reading the panel page, and
nothing else: not that a mentor wrote a draft, asked for consent, was declined, or was shared
and withdrawn again. So for every path input can take, the panel members' mail, inbox entries,
inbox page, dashboard and list of reviews are identical to those of the same review without any
input (byte for byte, but for the inbox's random ids and times), also after a program admin
moves the review on (which the panel does hear of). Before the fix, consenting
emailed every panel member "New mentor input on the review of ...", even when the mentee
withdrew at once and the panel page showed nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse

from mentorship.models import Notification, User
from promotions.models import PromotionReview, text_sha256
from promotions.services import (
    consent_decline,
    consent_grant,
    consent_withdraw,
    review_change_status,
    statement_create,
    statement_submit,
)
from tests.factories import PanelSeatFactory, UserFactory
from tests.factories.worlds import build_review_world
from tests.outbox import deliver_after

pytestmark = pytest.mark.django_db

TEXT = "Carol told me in confidence how hard the last reorganisation was for her."
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
# What differs between two runs of the same messages: a notification's random id, its time.
INBOX_ID = re.compile(rb"/inbox/\d+/open/")
INBOX_TIME = re.compile(rb"<time [^>]*>[^<]*</time>")


def draft(world):
    return statement_create(
        review_id=world.review.pk, mentor=world.mentor, kind="advocacy", text=TEXT
    )


def send(world, statement):
    statement_submit(statement_id=statement.pk, mentor=world.mentor)


def consent(world, statement):
    consent_grant(
        statement_id=statement.pk, mentee=world.mentee, text_sha256_seen=text_sha256(TEXT)
    )


def decline(world, statement):
    consent_decline(statement_id=statement.pk, mentee=world.mentee, reason="Too personal.")


def withdraw(world, statement):
    consent_withdraw(statement_id=statement.pk, mentee=world.mentee)


# Every path input can take; each ends with something the panel must not be able to tell from
# no input at all (only "consented" puts text on the panel page, which is its purpose).
PATHS: dict[str, list[Callable]] = {
    "draft": [],
    "sent for consent": [send],
    "declined": [send, decline],
    "consented": [send, consent],
    "consented then withdrawn": [send, consent, withdraw],
}


@dataclass
class Scene:
    """The review world's review of Carol with Pat and a program admin seated beside Lee. Not
    the security suite's world: that review already holds input."""

    mentor: User
    mentee: User
    review: PromotionReview
    panel: list[User]
    program_admin: User


@pytest.fixture
def world(db) -> Scene:
    world = build_review_world()
    # Lee, Pat, and a program admin whom another admin seated.
    panel = [world.panel_member, UserFactory(username="pat", full_name="Pat Singh")]
    panel.append(world.program_admin)
    for member in panel[1:]:
        PanelSeatFactory(review=world.review, user=member)
    return Scene(
        mentor=world.mentor,
        mentee=world.mentee,
        review=world.review,
        panel=panel,
        program_admin=world.program_admin,
    )


def inbox_entries(member: User) -> list[tuple]:
    """Everything of the member's notifications but the random id and the times."""
    return list(
        Notification.objects.filter(recipient=member)
        .order_by("created_at", "kind", "subject")
        .values_list("kind", "subject", "body", "link", "in_inbox", "email", "read_at")
    )


def what_the_panel_receives(world, steps, *, panel_page: bool) -> dict:
    """Run the input steps (None: no input at all), then a program admin moves the review to
    deciding; return every panel member's mail, inbox entries and pages."""
    with deliver_after():
        if steps is not None:
            statement = draft(world)
            for step in steps:
                step(world, statement)
    sent_before = list(mail.outbox)
    with deliver_after():
        review_change_status(review_id=world.review.pk, status="deciding", by=world.program_admin)
    mail.outbox[:0] = sent_before
    received = {}
    for member in world.panel:
        client = Client()
        client.force_login(member)
        urls = [
            reverse("mentorship:dashboard"),
            reverse("promotions:index"),
            reverse("mentorship:inbox"),
        ]
        if panel_page:
            urls.append(world.review.get_absolute_url())
        pages = []
        for url in urls:
            response = client.get(url)
            assert response.status_code == HTTPStatus.OK, url
            page = CSRF.sub(b'value=""', response.content)
            pages.append(INBOX_TIME.sub(b"<time/>", INBOX_ID.sub(b"/inbox/ID/open/", page)))
        mails = [(m.subject, m.body) for m in mail.outbox if m.to == [member.email]]
        received[member.username] = {
            "mail": mails,
            "inbox": inbox_entries(member),
            "pages": pages,
        }
    return received


@pytest.mark.parametrize("path", PATHS)
def test_the_panel_receives_exactly_what_it_would_without_input(world, path):
    shows_text = path == "consented"
    with transaction.atomic():
        no_input = what_the_panel_receives(world, None, panel_page=not shows_text)
        transaction.set_rollback(True)

    with_input = what_the_panel_receives(world, PATHS[path], panel_page=not shows_text)

    assert with_input == no_input
    # Not vacuous: the panel hears of what a program admin did, and the mentee of the input.
    for member in world.panel:
        [(subject, _)] = with_input[member.username]["mail"]
        assert subject == "The review of Carol Chen is now deciding"
        [entry] = [e for e in with_input[member.username]["inbox"] if e[0].startswith("promo")]
        assert entry[:2] == ("promotions.review_status_changed", subject)
        assert (
            b"The review of Carol Chen is now deciding" in with_input[member.username]["pages"][2]
        )
    if path != "draft":
        assert any(m.to == [world.mentee.email] for m in mail.outbox)
        assert Notification.objects.filter(recipient=world.mentee).exists()


def test_a_decline_with_dont_ask_again_reaches_no_panel_member(world):
    inbox_before = {member.username: inbox_entries(member) for member in world.panel}
    with deliver_after():
        statement = draft(world)
        send(world, statement)
        consent_decline(statement_id=statement.pk, mentee=world.mentee, dont_ask_again=True)

    panel_mail = [m for m in mail.outbox if set(m.to) & {p.email for p in world.panel}]
    assert panel_mail == []
    assert {member.username: inbox_entries(member) for member in world.panel} == inbox_before
    assert [m.to for m in mail.outbox] == [[world.mentee.email], [world.mentor.email]]
