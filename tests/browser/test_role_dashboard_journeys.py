"""Journeys from "My mentoring", in a real browser: each role reads its part of the dashboard
and acts from it. The supervisor writes the assessment the dashboard says is due; the panel
member reads an open review, sees what is new since the last visit and records the outcome once
the review is deciding; the program admin starts a proposed pair from "What needs an admin" and
both members hear of it.

Every page visited: no serious axe violation, no console error, and every page served valid
HTML (Nu Html Checker).
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from mentorship.models import Notification, Pair
from promotions.models import PromotionReview, text_sha256
from promotions.services import consent_grant, review_change_status
from tests.browser.test_inbox_journeys import (
    ADVOCACY,
    TARGET_ROLE,
    ask_for_consent,
    inbox_button,
    open_carols_review,
)
from tests.factories import PairFactory
from tests.factories.worlds import build_cast, person
from tests.outbox import delivered_to, run_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.any_database]

ASSESSMENT = "Carol delivered the data migration on time and led its handover to operations."


def to_dashboard(visitor) -> None:
    visitor.page.locator("nav").get_by_role("link", name="My mentoring").click()
    visitor.page.wait_for_load_state()


def test_supervisor_writes_the_assessment_the_dashboard_says_is_due(visit, html_errors):
    _, review = open_carols_review()
    sam = review.supervisor
    run_worker()
    assert [m.subject for m in delivered_to(sam)] == ["Your assessment of Carol Chen is due"]

    visitor = visit("sam")
    visitor.login("sam")
    page = visitor.page
    attention = page.locator(
        "section", has=page.get_by_role("heading", name="Needs your attention")
    )
    due = attention.locator("li", has_text="Your assessment of Carol Chen")
    assert f"for {TARGET_ROLE} is due" in due.inner_text()
    visitor.check("dashboard")
    # A supervisor is not on the panel and has no pair: no other section is theirs.
    assert page.locator("section#panel").count() == 0
    assert page.locator("section#admin").count() == 0

    due.get_by_role("link", name="Write the assessment").click()
    page.wait_for_load_state()
    assert page.url.endswith(review.assessment_url())
    visitor.check("assessment-page")

    # Bad input keeps what was typed beside a clear message: an empty text is refused.
    page.get_by_role("button", name="Save assessment").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="The assessment was not saved").is_visible()
    visitor.check("assessment-refused")
    page.get_by_label("Performance assessment").fill(ASSESSMENT)
    page.get_by_role("button", name="Save assessment").click()
    page.wait_for_load_state()
    review.refresh_from_db()
    assert review.supervisor_assessment == ASSESSMENT
    assert review.assessment_written_at is not None
    visitor.check("assessment-saved")

    to_dashboard(visitor)
    assert page.get_by_text("Your assessment of Carol Chen").count() == 0
    assert page.get_by_text("Nothing needs your attention right now.").is_visible()
    visitor.check("dashboard-after")

    # The request is still in the inbox, and still leads to the assessment, now written.
    inbox_button(visitor, 1).click()
    page.wait_for_load_state()
    visitor.check("inbox")
    page.get_by_role("button", name="Your assessment of Carol Chen is due").click()
    page.wait_for_load_state()
    assert page.url.endswith(review.assessment_url())
    assert page.get_by_label("Performance assessment").input_value().strip() == ASSESSMENT
    assert inbox_button(visitor, None).is_visible()

    run_worker()
    for message in mail.outbox:
        assert ASSESSMENT not in message.body

    assert visitor.errors() == []
    assert html_errors() == []


def test_panel_member_reads_what_is_new_and_records_the_outcome(visit, html_errors):
    cast, review = open_carols_review()
    hana = cast.program_admin
    statement = ask_for_consent(review, cast.mentor)

    visitor = visit("lee")
    visitor.login("lee")
    page = visitor.page
    panel = page.locator("section#panel")
    assert panel.get_by_role("heading", name="On review panels").is_visible()
    row = panel.locator("li", has_text="Carol Chen")
    assert f"for {TARGET_ROLE} (Leadership Mentoring): open" in row.inner_text()
    visitor.check("dashboard")
    row.get_by_role("link", name="Read the review").click()
    page.wait_for_load_state()
    assert page.url.endswith(review.get_absolute_url())
    # The decision date is on the review page, and no outcome can be recorded while it is open.
    assert f"decision due {review.decision_date:%-d %B %Y}" in page.inner_text("main")
    assert page.get_by_role("button", name="Record the outcome").count() == 0
    assert ADVOCACY not in page.content()  # awaiting consent: not the panel's
    visitor.check("review-first-visit")

    consent_grant(
        statement_id=statement.pk, mentee=cast.mentee, text_sha256_seen=text_sha256(ADVOCACY)
    )
    page.reload()
    card = page.locator("article", has_text=ADVOCACY)
    assert card.locator(".statement-new").is_visible()
    assert page.get_by_text("Marked “new”: shared since your last visit.").is_visible()
    visitor.check("review-shared-marked-new")
    page.reload()
    assert card.is_visible()
    assert card.locator(".statement-new").count() == 0
    visitor.check("review-not-new-any-more")

    # Hana moves the review on: Lee hears of it in the inbox and records the outcome.
    review_change_status(review_id=review.pk, status=PromotionReview.Status.DECIDING, by=hana)
    run_worker()
    lee = review.panel.get(username="lee")
    assert [m.subject for m in delivered_to(lee)] == ["The review of Carol Chen is now deciding"]
    for message in mail.outbox:
        assert ADVOCACY not in message.body
    to_dashboard(visitor)
    assert "deciding" in page.locator("section#panel li", has_text="Carol Chen").inner_text()
    inbox_button(visitor, 1).click()
    page.wait_for_load_state()
    visitor.check("inbox")
    page.get_by_role("button", name="The review of Carol Chen is now deciding").click()
    page.wait_for_load_state()
    assert page.url.endswith(review.get_absolute_url())
    assert inbox_button(visitor, None).is_visible()

    # No choice made: refused beside the field, and the note typed is kept.
    page.get_by_label("Note").fill("Strong support from the assessment.")
    page.get_by_role("button", name="Record the outcome").click()
    page.wait_for_load_state()
    assert page.locator("#outcome-error").is_visible()
    assert page.get_by_label("Note").input_value() == "Strong support from the assessment."
    visitor.check("outcome-refused")
    page.get_by_label("Promoted").check()
    page.get_by_role("button", name="Record the outcome").click()
    page.wait_for_load_state()
    review.refresh_from_db()
    assert review.outcome == PromotionReview.Outcome.PROMOTED
    assert page.locator(".outcome").get_by_text("Promoted").is_visible()
    assert "recorded by Lee Park" in page.locator(".outcome").inner_text()
    visitor.check("outcome-recorded")

    assert visitor.errors() == []
    assert html_errors() == []


def test_panel_dashboard_row_shows_the_decision_date(visit):
    _, review = open_carols_review()
    visitor = visit("lee")
    visitor.login("lee")
    row = visitor.page.locator("section#panel li", has_text="Carol Chen")
    assert f"{review.decision_date:%-d %B %Y}" in row.inner_text()


def test_program_admin_starts_a_proposed_pair_from_the_dashboard(visit, html_errors):
    cast = build_cast(with_review=False)
    pair = PairFactory(
        program=cast.program,
        mentor=person("lee"),
        mentee=person("sam"),
        status=Pair.Status.PROPOSED,
        started_on=None,
    )
    run_worker()
    mail.outbox.clear()

    visitor = visit("hana")
    visitor.login("hana")
    page = visitor.page
    admin = page.locator("section#admin")
    assert admin.get_by_role("heading", name="What needs an admin").is_visible()
    row = admin.locator("li", has_text="Lee Park and Sam Reyes")
    assert "proposed, no start date" in row.inner_text()
    visitor.check("dashboard")

    row.get_by_role("link", name="Set it up").click()
    page.wait_for_load_state()
    assert f"/admin/mentorship/pair/{pair.pk}/change/" in page.url
    visitor.check("pair-change-page")
    page.get_by_label("Started on").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    pair.refresh_from_db()
    assert pair.status == Pair.Status.ACTIVE
    visitor.check("pair-saved")

    # Both members are told, in their inbox and by email.
    for member in (pair.mentor, pair.mentee):
        assert Notification.objects.filter(
            recipient=member, kind="mentorship.pair_started"
        ).exists()
    run_worker()
    assert delivered_to(pair.mentor)
    assert delivered_to(pair.mentee)
    assert not delivered_to(cast.mentor)  # Maria's own pair did not change

    visitor.goto("/")
    admin = page.locator("section#admin")
    assert admin.get_by_text("Lee Park and Sam Reyes").count() == 0
    assert admin.get_by_text("No proposed pair is waiting.").is_visible()
    visitor.check("dashboard-after")
    inbox_button(visitor, None).click()
    page.wait_for_load_state()
    assert page.get_by_text("Nothing yet.").is_visible()  # the admin's act is no news to her
    visitor.check("inbox")

    lee = visit("lee")
    lee.login("lee")
    inbox_button(lee, 1).click()
    lee.page.wait_for_load_state()
    lee.check("inbox")
    lee.page.get_by_role("button", name="Your mentoring pair with Sam Reyes has started").click()
    lee.page.wait_for_load_state()
    assert lee.page.url.endswith(pair.get_absolute_url())
    lee.check("pair-page")

    for someone in (visitor, lee):
        assert someone.errors() == []
    assert html_errors() == []
