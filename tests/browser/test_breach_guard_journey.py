"""Journey: the breach guard on the mentor's form in a real browser (issue 13, phase 2). The
flagged words are marked in place; a caution is sent only after the mentor ticks the box, and
the mentee's consent page says why it was cautioned. No CSP or console error, no serious axe
violation, no sideways scrolling on a phone, valid HTML on every page served."""

from __future__ import annotations

import pytest

from promotions.models import Statement
from tests.browser.conftest import PHONE_WIDTH, carols_review

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.any_database]

FLAGGED = (
    "Carol is the best engineer on the team. Honestly, her project work was sloppy and she is "
    "dis\u200borganized with <b>deadlines</b>."
)
CAUTIONED = "Carol is the best engineer on the team, and I have watched her confidence grow."


def test_the_guard_marks_words_and_a_caution_reaches_the_mentee(visit, html_errors):
    pair, review = carols_review()

    maria = visit("maria")
    maria.login("maria")
    maria.goto(review.input_url() + "new/advocacy/")
    maria.page.get_by_label("Your statement").fill(FLAGGED)
    maria.page.get_by_role("button", name="Save draft").click()
    maria.page.wait_for_load_state()
    assert maria.page.locator("mark.guard-block").first.is_visible()
    assert maria.page.locator("mark.guard-caution").first.is_visible()
    maria.check("input-page-marked")
    maria.page.get_by_role("link", name="Edit: rewrite it").click()
    maria.page.wait_for_load_state()
    assert maria.page.locator("mark.guard-block", has_text="sloppy").is_visible()
    maria.check("form-marked")

    maria.page.get_by_label("Your statement").fill(CAUTIONED)
    maria.page.get_by_role("button", name="Save and ask for consent").click()
    maria.page.wait_for_load_state()
    beside = maria.page.locator("#error_1_id_send_with_caution")  # under the checkbox
    assert "Tick this box to send it with the caution" in beside.inner_text()
    assert Statement.objects.get().state == Statement.State.DRAFT
    maria.check("caution-needs-confirmation")
    maria.page.get_by_label("Send it with the caution").check()
    maria.page.get_by_role("button", name="Save and ask for consent").click()
    maria.page.wait_for_load_state()
    assert maria.page.get_by_text("Saved and sent to Carol Chen for consent.").is_visible()
    assert Statement.objects.get().guard_cautions == "positive_verdict"

    carol = visit("carol")
    carol.login("carol")
    carol.goto(review.consent_url())
    assert carol.page.get_by_text("The breach guard cautioned this statement").is_visible()
    carol.check("consent-page-cautioned")

    phone = visit("maria-phone", width=PHONE_WIDTH)
    phone.login("maria")
    draft = Statement.objects.create(review=review, pair=pair, kind="advocacy", text=FLAGGED)
    phone.goto(f"/reviews/statements/{draft.pk}/edit/")
    assert phone.page.locator("mark.guard-block").first.is_visible()
    phone.check("form-marked-phone")

    for person in (maria, carol, phone):
        assert person.errors() == [], person.name
    assert html_errors() == []
