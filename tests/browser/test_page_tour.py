"""A tour of every participant page on a phone-sized screen (390 px), in a real browser.

On each page: a screenshot, no serious or critical axe violation on the whole page, no sideways
scrolling, no console error (a CSP violation shows up as one). Every HTML document served on
the way, error pages and invalid-form re-renders included, must pass the Nu Html Checker.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from agreements.models import Agreement, Answer
from agreements.selectors import asked_questions
from mentorship.models import Pair
from tests.browser.conftest import PHONE_WIDTH, post_from_page
from tests.factories import (
    MeetingFactory,
    PairFactory,
    SharedStatementFactory,
    StatementFactory,
    UserFactory,
)
from tests.factories.worlds import answer_all, build_cast, propose, sign

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.any_database]

EXCEPTIONS = "We may mention the project we worked on together."


@pytest.fixture
def world():
    cast = build_cast(
        guideline={"version": 1},
        mentor={"time_zone": "Europe/Berlin"},
        review={"target_role": "Lead of the new project team"},
    )
    pair, maria, carol = cast.pair, cast.mentor, cast.mentee
    today = timezone.localdate()
    for weeks in (1, 3, 5):
        MeetingFactory(pair=pair, held_on=today - datetime.timedelta(weeks=weeks), notes="Notes.")
    answer_all(pair, maria)
    differ_on = asked_questions(pair).last()
    answer_all(
        pair,
        carol,
        overrides={differ_on.pk: (Answer.Value.UNSURE, "I would like to talk about this.")},
    )
    agreement = propose(pair, exceptions=EXCEPTIONS)
    sign(agreement, maria, carol)
    amendment = propose(pair, by=carol)
    # A second pair that has not started: maria mentors Dan.
    fresh = PairFactory(
        program=cast.program,
        mentor=maria,
        mentee=UserFactory(username="dan", full_name="Dan Ito"),
    )
    ended = PairFactory(
        program=cast.program,
        mentor=maria,
        mentee=UserFactory(username="eve", full_name="Eve Berg"),
        status=Pair.Status.ENDED,
        ended_on=today,
    )
    SharedStatementFactory(
        pair=pair, review=cast.review, text="I have seen Carol grow into a calm, clear leader."
    )
    draft = StatementFactory(
        pair=pair, review=cast.review, kind="engagement", text="We met every two weeks for a year."
    )
    return {
        "pair": pair,
        "agreement": Agreement.objects.get(pk=agreement.pk),
        "amendment": amendment,
        "fresh": fresh,
        "ended": ended,
        "review": cast.review,
        "draft": draft,
    }


def test_every_participant_page_on_a_phone(visit, world, html_errors):
    pair, agreement, amendment = world["pair"], world["agreement"], world["amendment"]
    review, fresh = world["review"], world["fresh"]

    anonymous = visit("anonymous", width=PHONE_WIDTH)
    anonymous.goto("/accounts/login/")
    anonymous.check("login")
    anonymous.page.get_by_role("button", name="Log in").click()
    anonymous.page.wait_for_load_state()
    anonymous.check("login-error")
    anonymous.page.locator("input[name=csrfmiddlewaretoken]").evaluate("node => node.remove()")
    anonymous.page.get_by_label("Username").fill("maria")
    with anonymous.page.expect_navigation():
        anonymous.page.get_by_role("button", name="Log in").click()
    assert anonymous.page.get_by_role("heading", name="This form has expired").is_visible()
    anonymous.check("csrf-failure")

    maria = visit("maria", width=PHONE_WIDTH)
    maria.login("maria")
    maria.check("dashboard")
    for path, label in [
        (pair.get_absolute_url(), "pair-page"),
        ("/agreements/", "agreements-index"),
        (f"/agreements/pairs/{pair.pk}/", "agreement-pair"),
        (f"/agreements/pairs/{pair.pk}/questionnaire/", "questionnaire-submitted"),
        (f"/agreements/pairs/{pair.pk}/compare/", "compare"),
        (f"/agreements/pairs/{pair.pk}/terms/", "terms"),
        (f"/agreements/{agreement.pk}/", "agreement-active"),
        (f"/agreements/{amendment.pk}/", "agreement-to-sign"),
        (f"/agreements/pairs/{pair.pk}/history/", "history"),
        (f"/agreements/{agreement.pk}/print/", "print"),
        (f"/agreements/{agreement.pk}/verify/", "verify"),
        (f"/agreements/pairs/{fresh.pk}/questionnaire/", "questionnaire-form"),
        (f"/agreements/pairs/{fresh.pk}/compare/", "compare-waiting"),
        (f"/agreements/pairs/{fresh.pk}/terms/", "terms-not-yet"),
        ("/reviews/", "reviews-index"),
        (review.input_url(), "mentor-input"),
        (f"/reviews/{review.pk}/input/new/advocacy/", "statement-new"),
        (f"/reviews/{review.pk}/input/new/engagement/", "statement-new-engagement"),
        (f"/reviews/statements/{world['draft'].pk}/edit/", "statement-edit"),
        ("/preferences/", "preferences"),
        ("/accounts/password_change/", "password-change"),
    ]:
        response = maria.goto(path)
        assert response.status == 200, path
        maria.check(label)

    # Invalid forms: an error summary at the top, linking to each field.
    maria.goto(f"/agreements/{amendment.pk}/")
    maria.page.get_by_role("button", name="Sign this agreement").click()
    maria.page.wait_for_load_state()
    assert maria.page.url.endswith(f"/agreements/{amendment.pk}/sign/")
    summary = maria.page.locator(".error-summary")
    assert summary.is_visible()
    assert summary.evaluate("node => node === document.activeElement")
    maria.check("sign-invalid")
    summary.get_by_role("link", name="Type your full name").click()
    assert maria.page.evaluate("document.activeElement.id") == "id_typed_name"

    maria.goto(f"/agreements/{agreement.pk}/")
    maria.page.locator("summary", has_text="End this agreement").click()
    maria.page.get_by_role("button", name="End the agreement").click()
    maria.page.wait_for_load_state()
    assert maria.page.url.endswith(f"/agreements/{agreement.pk}/end/")
    maria.check("end-invalid")

    maria.goto(f"/reviews/{review.pk}/input/new/advocacy/")
    maria.page.get_by_role("button", name="Save draft").click()
    maria.page.wait_for_load_state()
    maria.check("statement-invalid")

    maria.goto(pair.get_absolute_url())
    maria.page.get_by_label("Duration (minutes)").fill("")
    maria.page.get_by_role("button", name="Add to the log").click()
    maria.page.wait_for_load_state()
    maria.check("meeting-invalid")

    maria.goto("/accounts/password_change/")
    maria.page.get_by_role("button", name="Change password").click()
    maria.page.wait_for_load_state()
    maria.check("password-change-invalid")

    # Error pages.
    assert maria.goto("/agreements/999999/").status == 404
    maria.check("not-found")
    maria.goto(world["ended"].get_absolute_url())
    post_from_page(maria, world["ended"].get_absolute_url(), {"duration_minutes": "30"})
    assert "Not allowed" in maria.page.title()
    maria.check("forbidden")

    carol = visit("carol", width=PHONE_WIDTH)
    carol.login("carol")
    carol.goto(review.consent_url())
    carol.check("consent")

    lee = visit("lee", width=PHONE_WIDTH)
    lee.login("lee")
    lee.goto(review.get_absolute_url())
    lee.check("review-panel")

    sam = visit("sam", width=PHONE_WIDTH)
    sam.login("sam")
    sam.goto(review.assessment_url())
    sam.check("assessment")
    sam.goto("/reviews/")
    sam.check("reviews-as-supervisor")

    hana = visit("hana", width=PHONE_WIDTH)
    hana.login("hana")
    hana.goto("/programs/dashboard/")
    hana.check("program-dashboard")

    for person in (anonymous, maria, carol, lee, sam, hana):
        assert person.errors() == [], person.name
    assert html_errors() == []
