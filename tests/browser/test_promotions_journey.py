"""Journey: a mentor's input goes through the breach guard and the mentee's consent to the
panel, and back out again on withdrawal, in a real browser.

Checks what only a browser sees: no Content-Security-Policy violations or other console errors
on any promotions page, and no serious accessibility violations inside <main> (axe-core).
"""

from __future__ import annotations

import pytest

from promotions.models import Statement
from promotions.views import NOTHING_SHARED
from tests.browser.conftest import axe_violations
from tests.factories import (
    ActiveAgreementFactory,
    MeetingFactory,
    PairFactory,
    PanelSeatFactory,
    ProgramFactory,
    PromotionReviewFactory,
    PublishedGuidelineFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

BREACH = (
    "Carol was completely disorganized and unprofessional about how she approached her project "
    "and I don't see that she has the skills sets you are looking for."
)
ADVOCACY = "Over the past year I have seen Carol grow into a calm, clear leader of her peers."


def test_input_reaches_the_panel_only_with_consent(visit):
    program = ProgramFactory(name="Leadership Mentoring")
    PublishedGuidelineFactory(program=program)
    mentor = UserFactory(username="maria", full_name="Maria Lopez")
    mentee = UserFactory(username="carol", full_name="Carol Chen")
    pair = PairFactory(program=program, mentor=mentor, mentee=mentee)
    ActiveAgreementFactory(pair=pair)
    MeetingFactory(pair=pair)
    review = PromotionReviewFactory(
        program=program,
        candidate=mentee,
        supervisor=UserFactory(username="sam", full_name="Sam Reyes"),
        target_role="Lead of the new project team",
        supervisor_assessment="Delivered the migration on time.",
        assessment_written_at=pair.created_at,
    )
    leader = UserFactory(username="lee", full_name="Lee Park")
    PanelSeatFactory(review=review, user=leader)

    maria = visit("maria")
    maria.login("maria")
    maria.goto(review.input_url())
    assert axe_violations(maria.page) == []
    maria.shot("input-page")
    maria.page.get_by_role("link", name="Write advocacy input").click()
    maria.page.get_by_label("Your statement").fill(BREACH)
    maria.page.get_by_role("button", name="Save and ask for consent").click()
    maria.page.wait_for_load_state()
    assert maria.page.get_by_text("It was not sent").first.is_visible()
    assert axe_violations(maria.page) == []
    maria.shot("breach-found")

    maria.page.get_by_role("link", name="Edit").click()
    maria.page.get_by_label("Your statement").fill(ADVOCACY)
    maria.shot("statement-form")
    maria.page.get_by_role("button", name="Save and ask for consent").click()
    maria.page.wait_for_load_state()
    assert maria.page.get_by_text("Saved and sent to Carol Chen for consent.").is_visible()
    maria.goto(review.input_url() + "new/engagement/")
    assert axe_violations(maria.page) == []
    maria.shot("engagement-form")

    carol = visit("carol")
    carol.login("carol")
    carol.goto(review.consent_url())
    assert carol.page.get_by_text("Lee Park").first.is_visible()
    assert axe_violations(carol.page) == []
    carol.shot("consent-page")
    carol.page.get_by_role("button", name="Consent: the panel may read this text").click()
    carol.page.wait_for_load_state()
    assert Statement.objects.get().state == Statement.State.SHARED

    lee = visit("lee")
    lee.login("lee")
    lee.goto(review.get_absolute_url())
    assert lee.page.get_by_text(ADVOCACY).is_visible()
    assert axe_violations(lee.page) == []
    lee.shot("panel-page")

    carol.goto(review.consent_url())
    assert carol.page.get_by_text("Lee Park,").is_visible()  # who was shown it, and when
    carol.shot("who-was-shown")
    carol.page.get_by_role("button", name="Withdraw consent").click()
    carol.page.wait_for_load_state()

    lee.goto(review.get_absolute_url())
    assert lee.page.get_by_text(NOTHING_SHARED).is_visible()
    lee.goto("/reviews/")
    assert axe_violations(lee.page) == []
    lee.shot("index")

    for person in (maria, carol, lee):
        assert person.errors() == [], person.name
