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
from agreements.services import agreement_propose, agreement_sign, questionnaire_answer
from mentorship.models import Pair
from tests.browser.conftest import PASSWORD, PHONE_WIDTH
from tests.factories import (
    MeetingFactory,
    PairFactory,
    PanelSeatFactory,
    ProgramAdminFactory,
    ProgramFactory,
    PromotionReviewFactory,
    PublishedGuidelineFactory,
    SharedStatementFactory,
    StatementFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.any_database]

TERMS = {
    "confidentiality_scope": Agreement.Scope.AGREED_EXCEPTIONS,
    "allows_promotion_participation": True,
    "allows_advocacy": True,
    "allows_engagement": True,
    "exceptions": "We may mention the project we worked on together.",
}


def answer_all(pair, person, differ_on=None) -> None:
    answers = {q.pk: (q.guideline_answer or Answer.Value.AGREE, "") for q in asked_questions(pair)}
    if differ_on is not None:
        answers[differ_on.pk] = (Answer.Value.UNSURE, "I would like to talk about this.")
    questionnaire_answer(pair_id=pair.pk, respondent=person, answers=answers, submit=True)


def sign(agreement, person) -> None:
    agreement_sign(
        agreement_id=agreement.pk,
        signer=person,
        typed_name=person.full_name,
        password=PASSWORD,
        text_sha256=agreement.text_sha256,
    )


@pytest.fixture
def world():
    program = ProgramFactory(name="Leadership Mentoring")
    PublishedGuidelineFactory(program=program, version=1)
    maria = UserFactory(username="maria", full_name="Maria Lopez", time_zone="Europe/Berlin")
    carol = UserFactory(username="carol", full_name="Carol Chen")
    pair = PairFactory(program=program, mentor=maria, mentee=carol)
    today = timezone.localdate()
    for weeks in (1, 3, 5):
        MeetingFactory(pair=pair, held_on=today - datetime.timedelta(weeks=weeks), notes="Notes.")
    answer_all(pair, maria)
    answer_all(pair, carol, differ_on=asked_questions(pair).last())
    agreement = agreement_propose(pair_id=pair.pk, by=maria, **TERMS)
    sign(agreement, maria)
    sign(agreement, carol)
    amendment = agreement_propose(pair_id=pair.pk, by=carol, **{**TERMS, "exceptions": ""})
    # A second pair that has not started: maria mentors Dan.
    fresh = PairFactory(
        program=program, mentor=maria, mentee=UserFactory(username="dan", full_name="Dan Ito")
    )
    ended = PairFactory(
        program=program,
        mentor=maria,
        mentee=UserFactory(username="eve", full_name="Eve Berg"),
        status=Pair.Status.ENDED,
        ended_on=today,
    )
    review = PromotionReviewFactory(
        program=program,
        candidate=carol,
        supervisor=UserFactory(username="sam", full_name="Sam Reyes"),
        target_role="Lead of the new project team",
    )
    PanelSeatFactory(review=review, user=UserFactory(username="lee", full_name="Lee Park"))
    SharedStatementFactory(
        pair=pair, review=review, text="I have seen Carol grow into a calm, clear leader."
    )
    draft = StatementFactory(
        pair=pair, review=review, kind="engagement", text="We met every two weeks for a year."
    )
    ProgramAdminFactory(username="hana", full_name="Hana Okafor")
    return {
        "pair": pair,
        "agreement": Agreement.objects.get(pk=agreement.pk),
        "amendment": amendment,
        "fresh": fresh,
        "ended": ended,
        "review": review,
        "draft": draft,
    }


def post_from_page(person, action: str, fields: dict[str, str] | None = None) -> None:
    """Send a POST from the current page with its CSRF token (as a crafted form would)."""
    with person.page.expect_navigation():
        person.page.evaluate(
            """([action, fields]) => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = action;
                const token = document.querySelector("input[name=csrfmiddlewaretoken]");
                if (token) form.append(token.cloneNode());
                for (const [name, value] of Object.entries(fields)) {
                    const input = document.createElement("input");
                    input.type = "hidden"; input.name = name; input.value = value;
                    form.append(input);
                }
                document.body.append(form);
                form.submit();
            }""",
            [action, fields or {}],
        )


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
