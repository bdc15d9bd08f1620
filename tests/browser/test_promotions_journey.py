"""Journey: a mentor's input goes through the breach guard and the mentee's consent to the
panel, and back out again on withdrawal, in a real browser.

Checks what only a browser sees: no Content-Security-Policy violations or other console errors
on any promotions page, no serious accessibility violations on the whole page (axe-core), and
valid HTML on every page served (Nu Html Checker).
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from promotions.models import Statement
from promotions.views import NOTHING_SHARED
from tests.browser.conftest import carols_review
from tests.factories import MeetingFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.any_database]

BREACH = (
    "Carol was completely disorganized and unprofessional about how she approached her project "
    "and I don't see that she has the skills sets you are looking for."
)
ADVOCACY = "Over the past year I have seen Carol grow into a calm, clear leader of her peers."


def test_input_reaches_the_panel_only_with_consent(visit, html_errors):
    written = timezone.now()
    pair, review = carols_review(
        supervisor_assessment="Delivered the migration on time.", assessment_written_at=written
    )
    MeetingFactory(pair=pair)

    maria = visit("maria")
    maria.login("maria")
    maria.goto("/")
    maria.page.get_by_role("link", name="Give input").click()
    maria.page.wait_for_load_state()
    assert maria.page.url.endswith(review.input_url())
    maria.check("input-page")
    maria.page.get_by_role("link", name="Write advocacy input").click()
    maria.page.get_by_label("Your statement").fill(BREACH)
    maria.page.get_by_role("button", name="Save and ask for consent").click()
    maria.page.wait_for_load_state()
    assert maria.page.get_by_text("It was not sent").first.is_visible()
    assert maria.page.get_by_text("“disorganized”").first.is_visible()  # which words, and why
    assert Statement.objects.get().state == Statement.State.DRAFT
    maria.check("breach-found")

    maria.page.get_by_role("link", name="Edit").click()
    maria.page.get_by_label("Your statement").fill(ADVOCACY)
    assert maria.page.get_by_text("Who will read it:").is_visible()
    maria.check("statement-form")
    maria.page.get_by_role("button", name="Save and ask for consent").click()
    maria.page.wait_for_load_state()
    assert maria.page.get_by_text("Saved and sent to Carol Chen for consent.").is_visible()
    maria.check("sent-for-consent")
    maria.goto(review.input_url() + "new/engagement/")
    maria.check("engagement-form")

    carol = visit("carol")
    carol.login("carol")
    carol.page.get_by_role("link", name="Read and decide").first.click()
    carol.page.wait_for_load_state()
    assert review.consent_url() in carol.page.url
    assert carol.page.get_by_text("Lee Park").first.is_visible()
    carol.check("consent-page")
    carol.page.get_by_role("button", name="Consent: the panel may read this text").click()
    carol.page.wait_for_load_state()
    assert carol.page.get_by_text("You consented.").is_visible()
    assert Statement.objects.get().state == Statement.State.SHARED
    carol.check("consented")

    lee = visit("lee")
    lee.login("lee")
    lee.page.get_by_role("link", name="Reviews").click()
    lee.page.get_by_role("link", name="Read the review").click()
    lee.page.wait_for_load_state()
    assert lee.page.get_by_text(ADVOCACY).is_visible()
    lee.check("panel-page")

    carol.goto(review.consent_url())
    assert carol.page.get_by_text("Lee Park,").is_visible()  # who was shown it, and when
    carol.check("who-was-shown")
    carol.page.get_by_role("button", name="Withdraw consent").click()
    carol.page.wait_for_load_state()
    assert carol.page.get_by_text("You withdrew consent.").is_visible()
    carol.check("withdrawn")

    lee.page.reload()
    assert lee.page.get_by_text(NOTHING_SHARED).is_visible()
    assert not lee.page.get_by_text(ADVOCACY).is_visible()
    lee.check("panel-page-after-withdrawal")
    lee.goto("/reviews/")
    lee.check("index")

    for person in (maria, carol, lee):
        assert person.errors() == [], person.name
    assert html_errors() == []
