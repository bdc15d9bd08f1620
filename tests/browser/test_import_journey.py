"""A program admin onboards people and pairs from files in the admin, in a real browser: each
upload is a dry run listing every row, a refused file offers no confirmation, and confirming
imports the file; then she publishes the program's guideline through its confirmation and
reminds the imported pairs that have no signed agreement (issue 15).

Every page on the way: no serious axe violation, no console error but the admin's known jQuery
style probe, and valid HTML (Nu Html Checker)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentorship.models import Guideline, Notification, Pair, User
from tests.factories import GuidelineFactory, ProgramAdminFactory, ProgramFactory, UserFactory
from tests.factories.worlds import PEOPLE

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.any_database]

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"


def upload(admin, path: str, file: Path) -> None:
    page = admin.page
    admin.goto(path)
    page.get_by_label("File to import").set_input_files(str(file))
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_role("button", name="Upload for a dry run").click()
    page.wait_for_load_state()


def outcomes(page) -> list[str]:
    return page.locator("#import-report tbody tr td:nth-child(2)").all_inner_texts()


def follow(page, target) -> None:
    """Click a link or button and wait for the page it leads to (not the one it left)."""
    with page.expect_navigation():
        target.click()


def test_program_admin_imports_people_and_pairs_publishes_and_reminds(visit, html_errors, tmp_path):
    ProgramAdminFactory(username="hana", full_name=PEOPLE["hana"])
    program = ProgramFactory(name="Leadership Mentoring 2026")
    draft = GuidelineFactory(program=program)
    for name in ("sam", "dan", "omar"):
        UserFactory(username=name, full_name=name.title(), email=f"{name}@example.com")
    admin = visit("hana")
    page = admin.page
    admin.login("hana", path="/admin/login/")

    # From the Users list, the Import button.
    admin.goto("/admin/mentorship/user/")
    page.get_by_role("link", name="Import").click()
    page.wait_for_load_state()
    admin.check("people-import-form")

    # A bad file first: a malformed email is refused, with its reason, and nothing can be
    # confirmed.
    bad = tmp_path / "people.csv"
    bad.write_text((SAMPLES / "people.csv").read_text() + "not-an-email,Nobody,,,\n")
    upload(admin, "/admin/mentorship/user/import/", bad)
    admin.check("people-dry-run-refused")
    assert outcomes(page) == ["create"] * 4 + ["refused"]
    assert "'not-an-email' is not an email address." in page.locator("#import-report").inner_text()
    assert page.get_by_role("button", name="Confirm import").count() == 0
    assert not User.objects.filter(email="ines@example.com").exists()

    # The sample: a dry run, then confirmed.
    upload(admin, "/admin/mentorship/user/import/", SAMPLES / "people.csv")
    admin.check("people-dry-run")
    assert outcomes(page) == ["create"] * 4
    assert not User.objects.filter(email="ines@example.com").exists()  # a dry run writes nothing
    page.get_by_role("button", name="Confirm import").click()
    page.wait_for_load_state()
    admin.check("people-imported")
    assert "4 created, 0 changed, 0 unchanged" in page.content()
    raj = User.objects.get(email="raj@example.com")
    assert raj.manager.email == "ines@example.com"

    # The same file again: every row unchanged.
    upload(admin, "/admin/mentorship/user/import/", SAMPLES / "people.csv")
    assert outcomes(page) == ["unchanged"] * 4

    # Pairs.
    upload(admin, "/admin/mentorship/pair/import/", SAMPLES / "pairs.csv")
    admin.check("pairs-dry-run")
    assert outcomes(page) == ["create"] * 3
    assert not Pair.objects.exists()
    page.get_by_role("button", name="Confirm import").click()
    page.wait_for_load_state()
    admin.check("pairs-imported")
    assert Pair.objects.filter(status="active").count() == 2
    assert Pair.objects.filter(status="proposed").count() == 1
    told = set(Notification.objects.values_list("recipient__email", flat=True))
    assert told == {"ines@example.com", "raj@example.com", "omar@example.com", "tom@example.com"}

    # The program's guideline, published from its page through the confirmation.
    admin.goto(f"/admin/mentorship/guideline/{draft.pk}/change/")
    follow(page, page.get_by_role("link", name="Publish this version…"))
    admin.check("publish-confirmation")
    assert Guideline.objects.get(pk=draft.pk).status == Guideline.Status.DRAFT
    follow(page, page.get_by_role("button", name="Publish version"))
    admin.check("guideline-published")
    assert Guideline.objects.get(pk=draft.pk).status == Guideline.Status.PUBLISHED

    # The two imported active pairs have no signed agreement: the dashboard lists them and
    # reminds both members of each.
    admin.goto("/programs/dashboard/")
    follow(page, page.get_by_role("link", name="2 active pairs without a signed agreement"))
    admin.check("pairs-without-agreement")
    table = page.locator("#pair-list").inner_text()
    for name in ("Ines Ibarra", "Raj Rao", "Omar", "Tom Tanaka"):
        assert name in table
    assert "Sofia Silva" not in table  # her pair has not started
    follow(page, page.get_by_role("button", name="Remind both members of each pair"))
    admin.check("pairs-reminded")
    assert "4 people were reminded." in page.locator(".messages").inner_text()

    assert admin.errors() == []
    assert html_errors() == []
