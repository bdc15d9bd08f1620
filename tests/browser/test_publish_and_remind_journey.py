"""Journey: a program admin publishes a guideline version through its confirmation, then opens
the list of pairs without a signed agreement from the program dashboard and reminds them; a
reminded mentee finds the reminder in her inbox and her email.

Every page visited: no serious axe violation, no console error, and every page served valid
HTML (Nu Html Checker)."""

from __future__ import annotations

import pytest

from agreements.models import Agreement
from mentorship.models import Guideline, Notification
from tests.factories import ActiveAgreementFactory, GuidelineFactory, PairFactory
from tests.factories.worlds import build_cast, person
from tests.outbox import delivered_to, run_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.any_database]


def follow(page, target) -> None:
    """Click a link or button and wait for the page it leads to (not the one it left)."""
    with page.expect_navigation():
        target.click()


def test_admin_publishes_a_version_and_reminds_pairs_without_agreement(visit, html_errors):
    # Maria and Carol signed under the version in force; Olga and Otto's pair has no agreement yet.
    cast = build_cast(with_review=False)
    ActiveAgreementFactory(pair=cast.pair, guideline=cast.guideline)
    unsigned = PairFactory(program=cast.program, mentor=person("olga"), mentee=person("otto"))
    draft = GuidelineFactory(
        program=cast.program, body=cast.guideline.body + " Notes stay with the pair."
    )
    run_worker()  # nothing of the setup is mistaken for the journey's mail

    admin = visit("hana")
    page = admin.page
    admin.login("hana", path="/admin/login/")

    # The draft's page: the button, then the confirmation.
    admin.goto(f"/admin/mentorship/guideline/{draft.pk}/change/")
    follow(page, page.get_by_role("link", name="Publish this version…"))
    admin.check("publish-confirmation")
    consequences = page.locator("#publish-consequences").inner_text()
    assert "1 active pair will be asked to review this version" in consequences
    assert page.locator(".guideline-diff-text ins", has_text="Notes").count() == 1
    assert Guideline.objects.get(pk=draft.pk).status == Guideline.Status.DRAFT
    follow(page, page.get_by_role("button", name="Publish version"))
    admin.check("guideline-published")
    # The factory numbers published versions by a sequence: the next is one more.
    version = cast.guideline.version + 1
    assert f"Published version {version}. 1 active pair was asked to review it" in page.content()
    draft.refresh_from_db()
    assert draft.version == version
    assert Notification.objects.filter(
        kind="agreements.guideline_review", recipient=cast.mentee
    ).exists()

    # The dashboard says which pairs have no signed agreement, and reminds them.
    admin.goto("/programs/dashboard/")
    follow(page, page.get_by_role("link", name="1 active pair without a signed agreement"))
    admin.check("pairs-without-agreement")
    table = page.locator("#pair-list").inner_text()
    assert "Olga Berg" in table
    assert "Otto Outsider" in table
    assert "Maria Lopez" not in table
    follow(page, page.get_by_role("button", name="Remind both members of each pair"))
    admin.check("pairs-reminded")
    assert "2 people were reminded." in page.locator(".messages").inner_text()
    # A double click reminds nobody twice.
    follow(page, page.get_by_role("button", name="Remind both members of each pair"))
    assert "0 people were reminded. 2 people were not reminded again" in page.content()
    assert not Agreement.objects.filter(pair=unsigned).exists()

    # Otto, reminded, finds it in his inbox and in his email.
    run_worker()
    otto = unsigned.mentee
    emails = [m for m in delivered_to(otto) if "agree on confidentiality" in m.subject]
    assert len(emails) == 1
    assert "Olga Berg" in emails[0].subject
    member = visit("otto")
    member.login("otto")
    member.goto("/inbox/")
    row = member.page.locator(".inbox-list li", has_text="agree on confidentiality with Olga Berg")
    assert row.count() == 1
    member.check("reminded-inbox")

    assert admin.errors() == []
    assert member.errors() == []
    assert html_errors() == []
