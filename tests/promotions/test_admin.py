"""The admin site: reviews and panels are staffed there; statement text, decline reasons and the
supervisor's assessment never appear there, not even for a superuser."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse

from mentorship.audit import Action
from mentorship.models import AuditEvent
from promotions.models import PanelSeat, PromotionReview
from promotions.services import consent_withdraw
from tests.factories import UserFactory
from tests.outbox import deliver_after

pytestmark = pytest.mark.django_db

SECRETS = {
    "shared": "Zanzibar growth shown in our sessions.",
    "draft": "Zanzibar draft about her confidence.",
    "awaiting_consent": "Zanzibar pending words.",
    "declined": "Zanzibar declined words.",
    "withdrawn": "Zanzibar withdrawn words.",
}
REASON = "Quixotic reason only the mentor may read."
ASSESSMENT = "Xylophone assessment by the supervisor."


@pytest.fixture
def statements(world):
    made = {}
    for state, text in SECRETS.items():
        extra = {"decline_reason": REASON} if state == "declined" else {}
        made[state] = world.statement(state, text=text, **extra)
    world.review.supervisor_assessment = ASSESSMENT
    world.review.assessment_written_at = world.review.created_at
    world.review.save()
    return made


def admin_pages(world, statements) -> list[str]:
    review = world.review
    return [
        reverse("admin:index"),
        reverse("admin:promotions_promotionreview_changelist"),
        reverse("admin:promotions_promotionreview_changelist") + "?q=Zanzibar",
        reverse("admin:promotions_promotionreview_change", args=[review.pk]),
        reverse("admin:promotions_promotionreview_history", args=[review.pk]),
        reverse("admin:mentorship_auditevent_changelist"),
    ]


@pytest.mark.parametrize("role", ["superuser", "program_admin"])
def test_no_admin_page_shows_text_reasons_or_the_assessment(world, client, statements, role):
    # Some history first: a withdrawal (audit) and a review edit through the admin (admin log).
    consent_withdraw(statement_id=statements["shared"].pk, mentee=world.mentee)
    client.force_login(world.person(role))
    change_url = reverse("admin:promotions_promotionreview_change", args=[world.review.pk])
    client.post(change_url, review_form_data(world.review, target_role="Team lead (new)"))

    for url in admin_pages(world, statements):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        body = response.content.decode()
        for secret in (*SECRETS.values(), REASON, ASSESSMENT):
            assert secret not in body, (url, secret)
        if "?q=" in url:  # the search box echoes the word, but no statement matches on text
            assert "0 results" in body, url


@pytest.mark.parametrize("role", ["superuser", "program_admin"])
def test_statements_are_not_in_the_admin_at_all(world, client, statements, role):
    # Whether a draft exists and what the mentee decided are confidential: no list by state.
    client.force_login(world.person(role))
    statement = statements["declined"]
    for path in (
        "/admin/promotions/statement/",
        "/admin/promotions/statement/?state__exact=draft",
        f"/admin/promotions/statement/{statement.pk}/change/",
        f"/admin/promotions/statement/{statement.pk}/delete/",
    ):
        assert client.get(path).status_code == HTTPStatus.NOT_FOUND, path
    index = client.get(reverse("admin:index")).content.decode()
    assert "/admin/promotions/statement/" not in index
    assert "/admin/promotions/promotionreview/" in index


def test_statement_str_carries_no_text(world):
    statement = world.statement("shared", text="Zanzibar")
    assert "Zanzibar" not in str(statement)
    assert "Zanzibar" not in repr(statement)


# --- Staffing reviews -------------------------------------------------------------------------


def review_form_data(review: PromotionReview, *, seats=None, **changes) -> dict:
    seats = list(PanelSeat.objects.filter(review=review)) if seats is None else seats
    data = {
        "target_role": review.target_role,
        "supervisor": review.supervisor_id,
        "status": review.status,
        "seats-TOTAL_FORMS": str(len(seats)),
        "seats-INITIAL_FORMS": str(len(seats)),
        "seats-MIN_NUM_FORMS": "0",
        "seats-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for n, seat in enumerate(seats):
        data[f"seats-{n}-id"] = seat.pk
        data[f"seats-{n}-review"] = review.pk
        data[f"seats-{n}-user"] = seat.user_id
    data.update(changes)
    return data


def test_a_program_admin_opens_and_staffs_a_review(world, client):
    client.force_login(world.program_admin)
    with deliver_after():
        response = client.post(
            reverse("admin:promotions_promotionreview_add"),
            {
                "program": world.program.pk,
                "candidate": world.mentee.pk,
                "target_role": "Head of projects",
                "supervisor": world.supervisor.pk,
                "decision_date": "2030-06-30",
                "seats-TOTAL_FORMS": "1",
                "seats-INITIAL_FORMS": "0",
                "seats-MIN_NUM_FORMS": "0",
                "seats-MAX_NUM_FORMS": "1000",
                "seats-0-user": world.panel_member.pk,
                "_save": "Save",
            },
        )

    assert response.status_code == HTTPStatus.FOUND
    review = PromotionReview.objects.get(target_role="Head of projects")
    assert review.status == PromotionReview.Status.OPEN
    assert list(review.panel.all()) == [world.panel_member]
    opened = AuditEvent.objects.get(action=Action.REVIEW_STATUS_CHANGED, target_id=str(review.pk))
    assert opened.payload == {"review": review.pk, "from": None, "to": "open"}
    panel = AuditEvent.objects.get(action=Action.PANEL_CHANGED, target_id=str(review.pk))
    assert panel.payload == {"review": review.pk, "added": [world.panel_member.pk], "removed": []}
    # The mentor is invited, the panel member seated, the candidate and the supervisor told.
    assert {m.to[0] for m in mail.outbox} == {
        world.mentor.email,
        world.panel_member.email,
        world.mentee.email,
        world.supervisor.email,
    }


def test_panel_changes_are_audited_as_a_diff(world, client):
    newcomer = UserFactory(full_name="Pat Singh")
    client.force_login(world.program_admin)
    data = review_form_data(world.review)
    # Delete Lee's seat and add Pat in one save.
    data["seats-0-DELETE"] = "on"
    data.update({"seats-TOTAL_FORMS": "2", "seats-1-user": newcomer.pk, "seats-1-review": ""})

    response = client.post(
        reverse("admin:promotions_promotionreview_change", args=[world.review.pk]), data
    )

    assert response.status_code == HTTPStatus.FOUND
    assert list(world.review.panel.all()) == [newcomer]
    event = AuditEvent.objects.get(action=Action.PANEL_CHANGED)
    assert event.payload["added"] == [newcomer.pk]
    assert event.payload["removed"] == [world.panel_member.pk]


def test_saving_without_panel_changes_writes_no_panel_event(world, client):
    client.force_login(world.program_admin)
    client.post(
        reverse("admin:promotions_promotionreview_change", args=[world.review.pk]),
        review_form_data(world.review, target_role="Team lead, renamed"),
    )
    world.review.refresh_from_db()
    assert world.review.target_role == "Team lead, renamed"
    assert not AuditEvent.objects.filter(action=Action.PANEL_CHANGED).exists()
    assert not AuditEvent.objects.filter(action=Action.REVIEW_STATUS_CHANGED).exists()


def test_the_candidate_cannot_sit_on_their_own_panel(world, client):
    client.force_login(world.program_admin)
    data = review_form_data(world.review)
    data.update({"seats-TOTAL_FORMS": "2", "seats-1-user": world.mentee.pk, "seats-1-review": ""})
    response = client.post(
        reverse("admin:promotions_promotionreview_change", args=[world.review.pk]), data
    )
    assert response.status_code == HTTPStatus.OK
    assert "The candidate cannot sit on their own panel." in response.content.decode()
    assert not world.review.panel.filter(pk=world.mentee.pk).exists()


def test_status_changes_go_through_the_service_and_are_audited(world, client):
    client.force_login(world.program_admin)
    url = reverse("admin:promotions_promotionreview_change", args=[world.review.pk])

    client.post(url, review_form_data(world.review, status="deciding"))

    world.review.refresh_from_db()
    assert world.review.status == "deciding"
    event = AuditEvent.objects.get(action=Action.REVIEW_STATUS_CHANGED)
    assert event.payload == {"review": world.review.pk, "from": "open", "to": "deciding"}
    assert event.actor == world.program_admin


def test_the_close_action_freezes_the_review_and_the_admin_then_only_shows_it(world, client):
    client.force_login(world.program_admin)
    changelist = reverse("admin:promotions_promotionreview_changelist")
    client.post(changelist, {"action": "close_reviews", "_selected_action": [world.review.pk]})
    world.review.refresh_from_db()
    assert world.review.status == "closed"
    assert world.review.closed_at is not None
    assert AuditEvent.objects.filter(action=Action.REVIEW_STATUS_CHANGED).count() == 1

    url = reverse("admin:promotions_promotionreview_change", args=[world.review.pk])
    response = client.post(url, review_form_data(world.review, status="open"))
    assert response.status_code == HTTPStatus.FORBIDDEN
    world.review.refresh_from_db()
    assert world.review.status == "closed"


def test_a_closed_review_cannot_be_reopened_by_action(world, client):
    client.force_login(world.program_admin)
    changelist = reverse("admin:promotions_promotionreview_changelist")
    client.post(changelist, {"action": "close_reviews", "_selected_action": [world.review.pk]})
    client.post(changelist, {"action": "reopen", "_selected_action": [world.review.pk]})
    world.review.refresh_from_db()
    assert world.review.status == "closed"


def test_a_program_admin_configures_breach_phrases(world, client):
    client.force_login(world.program_admin)
    response = client.post(
        reverse("admin:promotions_breachphrase_add"),
        {
            "program": world.program.pk,
            "phrase": "not a team player",
            "explanation": "Judges teamwork at work.",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert world.program.breach_phrases.get().phrase == "not a team player"
