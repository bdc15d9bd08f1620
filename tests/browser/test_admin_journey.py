"""Journey 1: a program admin sets a program up in the admin site, in a real browser: a
program, a guideline edited and published, an assumption question and a breach phrase, a
pair, a promotion review with its panel, and then the program dashboard.

Every admin page on the way: no serious axe violation, no console error but the admin's known
jQuery style probe, and valid HTML (Nu Html Checker)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from agreements.models import Question
from mentorship.models import Guideline, Pair, Program
from promotions.models import BreachPhrase, PromotionReview
from tests.factories import ProgramAdminFactory
from tests.factories.worlds import PEOPLE, person

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.any_database]


def pick(page, field: str, name: str) -> None:
    """Choose a person with the admin's autocomplete (select2) widget."""
    page.locator(f"#id_{field} + .select2").click()
    page.locator(".select2-search__field").fill(name)
    page.locator(".select2-results__option", has_text=name).click()


def save(page, button: str = "Save") -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()


def test_program_admin_sets_up_a_program(visit, html_errors):
    ProgramAdminFactory(username="hana", full_name=PEOPLE["hana"])
    for name in ("maria", "carol", "sam", "lee"):
        person(name)
    admin = visit("hana")
    page = admin.page
    admin.login("hana", path="/admin/login/")
    assert page.get_by_role("link", name="Open the program dashboard").is_visible()
    admin.check("admin-index")

    # A program.
    admin.goto("/admin/mentorship/program/add/")
    page.get_by_label("Name").fill("Leadership Mentoring 2027")
    page.get_by_label("Description").fill("A year of fortnightly mentoring.")
    admin.check("program-form")
    save(page)
    admin.check("program-saved")
    program = Program.objects.get(name="Leadership Mentoring 2027")

    # A guideline draft, edited, then published with its button, through the confirmation.
    admin.goto("/admin/mentorship/guideline/add/")
    page.get_by_label("Program").select_option(str(program.pk))
    page.get_by_label("Title").fill("Confidentiality guideline")
    page.get_by_label("Body").fill("Confidential **by default**.")
    page.get_by_label("Clarification").fill("Mentors advocate.")
    page.get_by_label("Qualification").fill("Not a performance review.")
    page.get_by_label("Expectations").fill("Only consented input.")
    page.get_by_role("button", name="Save and continue editing").click()
    draft = Guideline.objects.get(program=program)
    page.get_by_label("Body").fill("Confidential **by default**, always.")
    page.get_by_role("button", name="Save and continue editing").click()
    admin.check("guideline-draft-with-preview")
    assert "always." in page.locator(".guideline-preview").first.inner_text()

    with page.expect_navigation():
        page.get_by_role("link", name="Publish this version…").click()
    admin.check("guideline-publish-confirmation")
    assert "this will be the first" in page.content()
    with page.expect_navigation():
        page.get_by_role("button", name="Publish version").click()
    admin.check("guideline-published")
    draft.refresh_from_db()
    assert draft.status == Guideline.Status.PUBLISHED
    assert draft.version == 1
    assert "Published version 1." in page.content()

    # An assumption question for the questionnaire, and a breach phrase for the guard.
    admin.goto("/admin/agreements/question/add/")
    page.get_by_label("Program").select_option(str(program.pk))
    page.get_by_label("Statement").fill("The mentor may mention our mentoring in my appraisal.")
    page.get_by_label("The guideline's answer").select_option("disagree")
    page.get_by_label("Why (from the guideline)").fill("Mentoring is not a performance review.")
    admin.check("question-form")
    save(page)
    admin.check("question-saved")
    assert Question.objects.filter(program=program, text__contains="appraisal").exists()

    admin.goto("/admin/promotions/breachphrase/add/")
    page.get_by_label("Program").select_option(str(program.pk))
    page.get_by_label("Phrase").fill("not a team player")
    page.get_by_label("Explanation").fill("Judges the person as an employee, not as a mentee.")
    admin.check("breach-phrase-form")
    save(page)
    assert BreachPhrase.objects.filter(program=program, phrase="not a team player").exists()

    # A pair, picking people with the autocomplete.
    admin.goto("/admin/mentorship/pair/add/")
    page.get_by_label("Program").select_option(str(program.pk))
    pick(page, "mentor", "Maria")
    pick(page, "mentee", "Carol")
    # The start date makes the pair active (a pair without one stays Proposed).
    page.get_by_label("Started on").fill(timezone.localdate().isoformat())
    admin.check("pair-form")
    save(page)
    pair = Pair.objects.get(program=program)
    assert (pair.mentor.username, pair.mentee.username) == ("maria", "carol")
    assert pair.status == Pair.Status.ACTIVE

    # A promotion review of the mentee, and its panel.
    admin.goto("/admin/promotions/promotionreview/add/")
    page.get_by_label("Program").select_option(str(program.pk))
    pick(page, "candidate", "Carol")
    page.get_by_label("Target role").fill("Lead of the new project team")
    pick(page, "supervisor", "Sam")
    page.get_by_label("Decision date").fill("2031-06-30")
    admin.check("review-form")
    save(page, "Save and continue editing")
    review = PromotionReview.objects.get(program=program)
    assert review.status == PromotionReview.Status.OPEN
    pick(page, "seats-0-user", "Lee")
    admin.check("review-seating-the-panel")
    save(page, "Save and continue editing")
    assert list(review.panel.values_list("username", flat=True)) == ["lee"]
    admin.check("review-with-panel")

    # Is the program healthy? From the admin index to the dashboard.
    admin.goto("/admin/")
    page.get_by_role("link", name="Open the program dashboard").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Program dashboard").is_visible()
    health = page.locator("section", has_text="Leadership Mentoring 2027").first
    assert (
        health.get_by_text("Needs attention").or_(health.get_by_text("At risk")).first.is_visible()
    )
    assert "1 of 1 active pair has no signed confidentiality agreement yet." in health.inner_text()
    admin.check("program-dashboard")

    assert admin.errors() == []
    assert html_errors() == []
