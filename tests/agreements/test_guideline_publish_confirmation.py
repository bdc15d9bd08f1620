"""Publishing a guideline version is a button on its page, through a confirmation that shows the
version, what changed from the version in force and how many active pairs will be asked to
re-acknowledge it; a repeated or stale confirmation publishes nothing; only the people who
manage the program's guidelines see the button or may post."""

from __future__ import annotations

import re
from functools import partial
from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from agreements.services import draft_fingerprint, guideline_publish_confirmed
from mentorship.models import Guideline, Notification
from mentorship.services import guideline_publish
from tests.concurrency import run_together
from tests.factories import (
    ActiveAgreementFactory,
    GuidelineFactory,
    PairFactory,
    ProgramAdminFactory,
    ProgramFactory,
    UserFactory,
)
from tests.outbox import deliver_after
from tests.security.web import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def hana(client, program_admin):
    client.force_login(program_admin)
    return program_admin


@pytest.fixture
def program():
    """A program with version 1 in force and two active pairs whose agreements are under it,
    a third active pair without an agreement, and an ended pair."""
    program = ProgramFactory()
    first = guideline_publish(
        guideline_id=GuidelineFactory(program=program, body="Keep it **private**.").pk,
        by=ProgramAdminFactory(),
    )
    for _ in range(2):
        ActiveAgreementFactory(pair=PairFactory(program=program), guideline=first)
    PairFactory(program=program)
    PairFactory(program=program, status="ended", ended_on=None)
    return program


def publish_url(guideline) -> str:
    return reverse("admin:mentorship_guideline_publish", args=[guideline.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_draft_page_has_the_button_and_no_bulk_action(client, hana, program):
    draft = GuidelineFactory(program=program)
    page = client.get(reverse("admin:mentorship_guideline_change", args=[draft.pk]))
    assert publish_url(draft).encode() in page.content
    changelist = client.get(reverse("admin:mentorship_guideline_changelist"))
    assert b"publish_drafts" not in changelist.content


def test_a_published_version_has_no_button(client, hana, program):
    current = program.current_guideline()
    page = client.get(reverse("admin:mentorship_guideline_change", args=[current.pk]))
    assert page.status_code == HTTPStatus.OK
    assert publish_url(current).encode() not in page.content


def test_the_confirmation_shows_version_changes_and_pairs(client, hana, program):
    draft = GuidelineFactory(program=program, body="Keep it **private**, always.")
    page = client.get(publish_url(draft))
    assert page.status_code == HTTPStatus.OK
    text = page.content.decode()
    assert "<strong>private</strong>" in text  # rendered as pairs will read it
    assert "from version 1, in force" in text
    assert re.search(r"<ins>[^<]*always\.</ins>", text)  # the word diff of the policy
    assert re.search(r"<del>\*\*private\*\*\.</del>", text)
    assert "2 active pairs will be asked to review this version" in text
    assert Guideline.objects.get(pk=draft.pk).status == Guideline.Status.DRAFT  # GET changes none


def test_the_first_version_says_so_and_notifies_nobody(client, hana):
    draft = GuidelineFactory()
    text = client.get(publish_url(draft)).content.decode()
    assert "this will be the first" in text
    assert "nobody is notified" in text


def test_confirming_publishes_and_notifies_each_member_once(client, hana, program):
    draft = GuidelineFactory(program=program, body="Keep it private, always.")
    members = {
        user.pk
        for pair in program.pairs.filter(agreements__status="active")
        for user in (pair.mentor, pair.mentee)
    }
    with deliver_after():
        response = client.post(publish_url(draft), form_data(client.get(publish_url(draft))))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("admin:mentorship_guideline_change", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.version == 2
    assert draft.published_by == hana
    assert "2 active pairs were asked to review it" in " ".join(messages_of(response))
    notified = Notification.objects.filter(kind="agreements.guideline_review")
    assert sorted(notified.values_list("recipient_id", flat=True)) == sorted(members)


def test_confirming_twice_publishes_once(client, hana, program):
    draft = GuidelineFactory(program=program)
    data = form_data(client.get(publish_url(draft)))
    client.post(publish_url(draft), data)
    sent = Notification.objects.count()
    again = client.post(publish_url(draft), data)
    assert again.status_code == HTTPStatus.FOUND
    assert "already published" in " ".join(messages_of(again))
    assert Notification.objects.count() == sent
    assert Guideline.objects.get(pk=draft.pk).version == 2
    assert Guideline.objects.filter(program=program, status="published").count() == 2


def test_a_stale_confirmation_publishes_nothing(client, hana, program):
    mine = GuidelineFactory(program=program, title="Mine")
    data = form_data(client.get(publish_url(mine)))
    # Meanwhile a colleague publishes another draft: the differences shown are no longer true.
    guideline_publish(guideline_id=GuidelineFactory(program=program).pk, by=ProgramAdminFactory())
    sent = Notification.objects.count()
    response = client.post(publish_url(mine), data)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == publish_url(mine)  # back to a confirmation that is true now
    assert "Version 2 of this program's guideline was published after you opened" in " ".join(
        messages_of(response)
    )
    assert Guideline.objects.get(pk=mine.pk).status == Guideline.Status.DRAFT
    assert Notification.objects.count() == sent
    assert "from version 2, in force" in client.get(publish_url(mine)).content.decode()


def test_a_draft_edited_since_the_confirmation_is_not_published(client, hana, program):
    draft = GuidelineFactory(program=program)
    data = form_data(client.get(publish_url(draft)))
    Guideline.objects.filter(pk=draft.pk).update(body="Changed by a colleague.")
    response = client.post(publish_url(draft), data)
    assert "changed after you opened the confirmation" in " ".join(messages_of(response))
    assert Guideline.objects.get(pk=draft.pk).status == Guideline.Status.DRAFT


@pytest.mark.parametrize("replacing", ["", "not a number", "7"])
def test_a_tampered_confirmation_publishes_nothing(client, hana, program, replacing):
    draft = GuidelineFactory(program=program)
    data = {**form_data(client.get(publish_url(draft))), "replacing_version": [replacing]}
    response = client.post(publish_url(draft), data)
    assert response.status_code == HTTPStatus.FOUND
    assert Guideline.objects.get(pk=draft.pk).status == Guideline.Status.DRAFT


def test_staff_who_do_not_manage_guidelines_get_403_and_no_button(client, program):
    draft = GuidelineFactory(program=program)
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(publish_url(draft)).status_code == HTTPStatus.FORBIDDEN
    assert client.post(publish_url(draft), {"replacing_version": "1"}).status_code == 403
    assert Guideline.objects.get(pk=draft.pk).status == Guideline.Status.DRAFT


def test_participants_are_sent_to_the_admin_login(client, program):
    draft = GuidelineFactory(program=program)
    client.force_login(UserFactory())
    for response in (
        client.get(publish_url(draft)),
        client.post(publish_url(draft), {"replacing_version": "1"}),
    ):
        assert response.status_code == HTTPStatus.FOUND
        assert "/admin/login/" in response["Location"]
    assert Guideline.objects.get(pk=draft.pk).status == Guideline.Status.DRAFT


def test_a_missing_version_is_404(client, hana):
    assert client.get(reverse("admin:mentorship_guideline_publish", args=[987654])).status_code == (
        HTTPStatus.NOT_FOUND
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_admins_confirming_at_once_publish_one_version(program):
    """Two drafts confirmed against version 1 at the same moment: one becomes version 2, the
    other is refused as stale (the program's row lock orders them), and only one set of review
    requests goes out."""
    admins = [ProgramAdminFactory(), ProgramAdminFactory()]
    drafts = [GuidelineFactory(program=program, title=f"Draft {n}") for n in (1, 2)]
    outcomes = run_together(
        *(
            partial(
                guideline_publish_confirmed,
                guideline_id=draft.pk,
                by=admin,
                replacing_version=1,
                fingerprint=draft_fingerprint(draft),
            )
            for draft, admin in zip(drafts, admins, strict=True)
        )
    )
    published = [o for o in outcomes if isinstance(o, Guideline)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(published) == 1, outcomes
    assert len(refused) == 1, outcomes
    assert "was published after you opened" in refused[0].messages[0]
    assert published[0].version == 2
    assert Guideline.objects.filter(program=program, status="published").count() == 2
    assert Notification.objects.filter(kind="agreements.guideline_review").count() == 4
