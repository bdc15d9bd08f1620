"""Journey: both members answer, compare, agree terms and sign, in a real browser.

Checks what only a browser sees: no Content-Security-Policy violations or other console
errors on any agreements page, and no serious accessibility violations (axe-core).
"""

from __future__ import annotations

import re

import pytest

from agreements.models import Agreement
from agreements.selectors import asked_questions
from tests.browser.conftest import PASSWORD, axe_violations
from tests.factories import PairFactory, PublishedGuidelineFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pair():
    pair = PairFactory(
        mentor=UserFactory(username="mentor", full_name="Maria Lopez"),
        mentee=UserFactory(username="mentee", full_name="Carol Chen"),
    )
    PublishedGuidelineFactory(program=pair.program, version=1)
    return pair


def answer_questionnaire(person, pair) -> None:
    page = person.page
    person.goto(f"/agreements/pairs/{pair.pk}/questionnaire/")
    assert axe_violations(page) == []
    for question in asked_questions(pair):
        value = question.guideline_answer or "agree"
        page.check(f"input[name=q_{question.pk}][value={value}]")
    page.get_by_role("button", name="Submit my answers").click()
    page.wait_for_load_state()
    assert page.get_by_text("Your answers are submitted.").is_visible()


def sign(person, agreement, full_name: str) -> None:
    page = person.page
    person.goto(f"/agreements/{agreement.pk}/")
    assert axe_violations(page) == []
    page.get_by_label(re.compile("I have reviewed the guideline version")).check()
    page.get_by_label("Type your full name").fill(full_name)
    page.get_by_label(re.compile("Your password")).fill(PASSWORD)
    page.get_by_role("button", name="Sign this agreement").click()
    page.wait_for_load_state()


def test_pair_agrees_and_signs_in_the_browser(visit, pair):
    mentor, mentee = visit("mentor"), visit("mentee")
    mentor.login(pair.mentor.username)
    mentee.login(pair.mentee.username)

    mentor.goto("/agreements/")
    assert axe_violations(mentor.page) == []
    answer_questionnaire(mentor, pair)
    mentor.shot("answered")
    answer_questionnaire(mentee, pair)

    mentee.goto(f"/agreements/pairs/{pair.pk}/compare/")
    assert axe_violations(mentee.page) == []
    mentee.shot("compare")
    mentee.page.get_by_role("link", name="Agree the terms").click()
    mentee.page.wait_for_load_state()
    assert axe_violations(mentee.page) == []
    # Prefilled from the answers: both agreed to advocacy.
    assert mentee.page.get_by_label(re.compile("Advocacy statements are allowed")).is_checked()
    mentee.page.get_by_label(re.compile("Exceptions to the guideline")).fill("None beyond this.")
    mentee.page.get_by_role("button", name="Propose these terms").click()
    mentee.page.wait_for_load_state()
    agreement = Agreement.objects.get(pair=pair)

    sign(mentee, agreement, "carol chen")
    assert mentee.page.get_by_text("becomes active when Maria Lopez signs too").is_visible()
    sign(mentor, agreement, "Maria Lopez")
    assert mentor.page.get_by_text("the agreement is active").is_visible()
    mentor.shot("active")

    mentor.goto(f"/agreements/{agreement.pk}/print/")
    assert axe_violations(mentor.page) == []
    mentor.goto(f"/agreements/pairs/{pair.pk}/")
    assert axe_violations(mentor.page) == []
    mentor.goto(f"/agreements/{agreement.pk}/verify/")
    assert mentor.page.get_by_text("Verified").is_visible()

    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.ACTIVE
    assert agreement.signatures.count() == 2
    assert mentor.console_errors == []
    assert mentee.console_errors == []
