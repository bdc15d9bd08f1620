"""Journeys through the inbox, in a real browser: a candidate and a mentor each learn of a step
from the inbox (the navigation's unread count, the inbox row, one click to the page it is about)
and act from there.

The world is made through the services, as the acts would make it: the review opens
(`review_opened`), the mentor writes and asks for consent, and the messages those acts record
are delivered by the worker (tests/outbox.py). Every page visited: no serious axe violation, no
console error, and every page served valid HTML (Nu Html Checker). Every email the worker sends
is read for the statement's text: no message carries it.
"""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from mentorship.models import Notification
from mentorship.notifications import pair_started
from promotions.models import Statement, text_sha256
from promotions.services import (
    consent_grant,
    review_opened,
    statement_create,
    statement_submit,
)
from tests.browser.conftest import post_from_page
from tests.factories import (
    ActiveAgreementFactory,
    PairFactory,
    PanelSeatFactory,
    PromotionReviewFactory,
)
from tests.factories.worlds import build_cast, person
from tests.outbox import delivered_to, run_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.any_database]

ADVOCACY = "Over the past year I have seen Carol grow into a calm, clear leader of her peers."
ENGAGEMENT = "We met every fortnight and Carol came to each meeting with her own agenda."
TARGET_ROLE = "Lead of the new project team"


def open_carols_review():
    """Maria mentors Carol under an active agreement; Hana opens Carol's review (Sam supervises,
    Lee on the panel) through the service, which records the messages of the opening."""
    cast = build_cast(with_review=False)
    ActiveAgreementFactory(pair=cast.pair)
    review = PromotionReviewFactory(
        program=cast.program,
        candidate=cast.mentee,
        supervisor=person("sam"),
        target_role=TARGET_ROLE,
        decision_date=timezone.localdate() + datetime.timedelta(days=30),
        supervisor_assigned_by=cast.program_admin,
        opened_by=cast.program_admin,
    )
    PanelSeatFactory(review=review, user=person("lee"), added_by=cast.program_admin)
    review_opened(review=review, by=cast.program_admin)
    return cast, review


def ask_for_consent(review, mentor, *, kind=Statement.Kind.ADVOCACY, text=ADVOCACY) -> Statement:
    statement = statement_create(review_id=review.pk, mentor=mentor, kind=kind, text=text)
    return statement_submit(statement_id=statement.pk, mentor=mentor)


def inbox_button(visitor, unread: int | None):
    """The navigation's Inbox link, named with its unread count when there is one."""
    name = f"Inbox {unread} unread" if unread else "Inbox"
    return visitor.page.locator("nav").get_by_role("link", name=name, exact=True)


def assert_no_confidential_text(*texts: str) -> None:
    for message in mail.outbox:
        for text in texts:
            assert text not in message.subject, message.subject
            assert text not in message.body, message.subject


def test_candidate_consents_from_the_inbox_and_withdraws_from_the_dashboard(visit, html_errors):
    cast, review = open_carols_review()
    ask_for_consent(review, cast.mentor)
    run_worker()
    carol = cast.mentee
    subjects = {m.subject for m in delivered_to(carol)}
    assert subjects == {
        f"A promotion review of you for {TARGET_ROLE} is open",
        "Your mentor asks for your consent",
    }
    assert_no_confidential_text(ADVOCACY)

    # Otto, outside the program, was sent something too: his entry stays his.
    ottos = entry_for_otto()

    visitor = visit("carol")
    visitor.login("carol")
    page = visitor.page
    assert inbox_button(visitor, 2).is_visible()
    assert page.get_by_role("link", name="2 unread in your inbox").is_visible()
    visitor.check("dashboard")
    inbox_button(visitor, 2).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Inbox").is_visible()
    rows = page.locator(".inbox-list li")
    assert rows.count() == 2
    assert page.locator(".inbox-unread").count() == 2
    assert ADVOCACY not in page.content()  # subjects only, never what was said
    visitor.check("inbox")

    # Someone else's entry is a missing one: a 404 that leaves it unread.
    post_from_page(visitor, f"/inbox/{ottos.pk}/open/")
    assert page.get_by_role("heading", name="Page not found").is_visible()
    ottos.refresh_from_db()
    assert ottos.read_at is None
    visitor.check("someone-elses-entry")

    visitor.goto("/inbox/")
    page.get_by_role("button", name="Your mentor asks for your consent").click()
    page.wait_for_load_state()
    assert review.consent_url() in page.url
    assert inbox_button(visitor, 1).is_visible()  # opening it marked it read
    visitor.check("consent-page")
    page.get_by_role("button", name="Consent: the panel may read this text").click()
    page.wait_for_load_state()
    assert page.get_by_text("You consented.").is_visible()
    assert Statement.objects.get().state == Statement.State.SHARED
    visitor.check("consented")

    visitor.goto("/inbox/")
    assert page.locator(".inbox-unread").count() == 1
    visitor.check("inbox-one-read")

    # Later: the dashboard lists the consent she may withdraw.
    page.locator("nav").get_by_role("link", name="My mentoring").click()
    page.wait_for_load_state()
    section = page.locator("section#consents")
    assert section.get_by_role("heading", name="Consent you can withdraw").is_visible()
    assert "Maria Lopez's advocacy input" in section.inner_text()
    visitor.check("dashboard-consent-to-withdraw")
    section.get_by_role("link", name="Read or withdraw").click()
    page.wait_for_load_state()
    assert review.consent_url() in page.url
    page.get_by_role("button", name="Withdraw consent").click()
    page.wait_for_load_state()
    assert page.get_by_text("You withdrew consent.").is_visible()
    assert Statement.objects.get().state == Statement.State.WITHDRAWN
    visitor.check("withdrawn")

    visitor.goto("/")
    assert page.locator("section#consents").count() == 0
    visitor.check("dashboard-after-withdrawal")

    # Maria hears of both, by subject and link only.
    run_worker()
    assert {m.subject for m in delivered_to(cast.mentor)} >= {
        "Carol Chen consented to share your statement",
        "Carol Chen withdrew consent for your statement",
    }
    assert_no_confidential_text(ADVOCACY)

    assert visitor.errors() == []
    assert html_errors() == []


def entry_for_otto() -> Notification:
    """An inbox entry of Otto's, about a pair of his in another program."""
    pair = PairFactory(mentor=person("otto"))
    pair_started(pair=pair)
    return Notification.objects.get(recipient=pair.mentor)


def test_mentor_opens_the_consent_news_and_deletes_a_draft(visit, html_errors):
    cast, review = open_carols_review()
    shared = ask_for_consent(review, cast.mentor)
    consent_grant(
        statement_id=shared.pk, mentee=cast.mentee, text_sha256_seen=text_sha256(shared.text)
    )
    draft = statement_create(
        review_id=review.pk, mentor=cast.mentor, kind=Statement.Kind.ENGAGEMENT, text=ENGAGEMENT
    )
    run_worker()
    assert "Carol Chen consented to share your statement" in {
        m.subject for m in delivered_to(cast.mentor)
    }
    assert_no_confidential_text(ADVOCACY, ENGAGEMENT)

    visitor = visit("maria")
    visitor.login("maria")
    page = visitor.page
    # The invitation to give input, and the consent.
    assert inbox_button(visitor, 2).is_visible()
    visitor.check("dashboard")
    inbox_button(visitor, 2).click()
    page.wait_for_load_state()
    assert ENGAGEMENT not in page.content()
    assert ADVOCACY not in page.content()
    visitor.check("inbox")
    page.get_by_role("button", name="Carol Chen consented to share your statement").click()
    page.wait_for_load_state()
    assert page.url.endswith(review.input_url())
    assert inbox_button(visitor, 1).is_visible()
    visitor.check("input-page")

    # Deleting asks for the tick first: without it the browser sends nothing.
    card = page.locator(f"#statement-{draft.pk}")
    card.get_by_role("button", name="Delete draft").click()
    assert Statement.objects.filter(pk=draft.pk).exists()
    card.get_by_label("Yes, delete this draft for good").check()
    card.get_by_role("button", name="Delete draft").click()
    page.wait_for_load_state()
    assert page.get_by_text("Your draft was deleted.").is_visible()
    assert not Statement.objects.filter(pk=draft.pk).exists()
    assert Statement.objects.filter(pk=shared.pk, state=Statement.State.SHARED).exists()
    # A shared statement is not a draft: it offers no delete.
    assert page.get_by_role("button", name="Delete draft").count() == 0
    visitor.check("draft-deleted")

    assert visitor.errors() == []
    assert html_errors() == []
