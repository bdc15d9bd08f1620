"""Journey: a person chooses how emails reach them, in a real browser. Carol switches to the
daily summary, then a message that is not required waits for the summary while one the program
must deliver (a request for consent) is emailed at once; she switches back and the page confirms
each choice without touching her time zone.

Every page visited: no serious axe violation, no console error, and valid HTML.
"""

from __future__ import annotations

import pytest

from mentorship.models import EmailFrequency, Notification
from promotions.models import PromotionReview
from promotions.services import review_change_status
from tests.browser.test_inbox_journeys import ask_for_consent, inbox_button, open_carols_review
from tests.outbox import deliver_after, delivered_to

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.any_database]


def test_emails_switch_to_a_daily_summary_and_back(visit, html_errors):
    cast, review = open_carols_review()
    carol = cast.mentee
    carol.time_zone = "Europe/Berlin"
    carol.save(update_fields=["time_zone"])

    visitor = visit("carol")
    visitor.login("carol")
    page = visitor.page
    page.locator("nav").get_by_role("link", name="Preferences").click()
    page.wait_for_load_state()
    emails = page.locator("section#emails")
    assert emails.get_by_label("Immediately").is_checked()
    visitor.check("preferences")

    emails.get_by_label("Daily summary").check()
    emails.get_by_role("button", name="Save email preferences").click()
    page.wait_for_load_state()
    assert page.get_by_text("Saved. Emails: daily summary.").is_visible()
    assert page.locator("section#emails").get_by_label("Daily summary").is_checked()
    carol.refresh_from_db()
    assert carol.email_frequency == EmailFrequency.DAILY
    assert carol.time_zone == "Europe/Berlin"  # the other section is left as it was
    visitor.check("daily-summary-saved")

    # A consent request is required mail: sent now despite the summary. The news that the
    # review closed is not: it waits for the summary.
    with deliver_after():
        ask_for_consent(review, cast.mentor)
        for status in (PromotionReview.Status.DECIDING, PromotionReview.Status.CLOSED):
            review_change_status(review_id=review.pk, status=status, by=cast.program_admin)
    assert [m.subject for m in delivered_to(carol)] == ["Your mentor asks for your consent"]
    closed = Notification.objects.get(recipient=carol, kind="promotions.review_closed")
    assert closed.email == Notification.Email.DIGEST
    page.reload()
    assert inbox_button(visitor, 3).is_visible()  # the inbox holds every one all the same

    emails = page.locator("section#emails")
    emails.get_by_label("Immediately").check()
    emails.get_by_role("button", name="Save email preferences").click()
    page.wait_for_load_state()
    assert page.get_by_text("Saved. Emails: immediately.").is_visible()
    carol.refresh_from_db()
    assert carol.email_frequency == EmailFrequency.IMMEDIATELY
    visitor.check("immediately-saved")

    assert visitor.errors() == []
    assert html_errors() == []
