"""Journey 1: a program admin sets a program up in the admin site, in a real browser."""

from __future__ import annotations

import pytest

from mentorship.models import Guideline, Pair, Program
from tests.browser.conftest import axe_violations
from tests.factories import ProgramAdminFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_program_admin_sets_up_a_program(visit):
    ProgramAdminFactory(username="hana", full_name="Hana Okafor")
    UserFactory(username="maria", full_name="Maria Lopez")
    UserFactory(username="carol", full_name="Carol Chen")
    admin = visit("hana")
    page = admin.page
    admin.login("hana", path="/admin/login/")
    admin.shot("admin-index")
    assert axe_violations(page) == []

    # A program.
    admin.goto("/admin/mentorship/program/add/")
    page.get_by_label("Name").fill("Leadership Mentoring 2027")
    page.get_by_label("Description").fill("A year of fortnightly mentoring.")
    admin.shot("program-form")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save", exact=True).click()
    program = Program.objects.get(name="Leadership Mentoring 2027")

    # A guideline draft, edited, then published with the admin action.
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
    admin.shot("guideline-draft-with-preview")
    assert "always." in page.locator(".guideline-preview").first.inner_text()

    admin.goto("/admin/mentorship/guideline/")
    page.locator(f"input[name=_selected_action][value='{draft.pk}']").check()
    page.locator("select[name=action]").select_option("publish_drafts")
    page.get_by_role("button", name="Go").click()
    admin.shot("guideline-published")
    draft.refresh_from_db()
    assert draft.status == Guideline.Status.PUBLISHED
    assert draft.version == 1
    assert "Published 1 guideline version" in page.content()

    # A pair, picking people with the autocomplete.
    admin.goto("/admin/mentorship/pair/add/")
    page.get_by_label("Program").select_option(str(program.pk))
    for field, name in (("mentor", "Maria"), ("mentee", "Carol")):
        page.locator(f"#id_{field} + .select2").click()
        page.locator(".select2-search__field").fill(name)
        page.locator(".select2-results__option", has_text=name).click()
    page.get_by_label("Status").select_option("active")
    admin.shot("pair-form")
    page.get_by_role("button", name="Save", exact=True).click()
    pair = Pair.objects.get(program=program)
    assert (pair.mentor.username, pair.mentee.username) == ("maria", "carol")
    assert admin.errors() == []
