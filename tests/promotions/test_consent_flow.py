"""From draft to the panel: consent over the exact text, decline, withdrawal, editing."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from mentorship.audit import Action
from mentorship.models import ConfidentialAuditEvent
from promotions.models import Statement, text_sha256
from tests.factories import StatementViewFactory, UserFactory

pytestmark = pytest.mark.django_db


def consent_url(statement):
    return reverse("promotions:statement_consent", args=[statement.pk])


def edit_as_mentor(client, world, statement, text: str, action: str = "Save draft"):
    """Maria sends the statement's edit form; the statement is read again."""
    client.force_login(world.mentor)
    response = client.post(
        reverse("promotions:statement_edit", args=[statement.pk]),
        {"text": text, "action": action},
    )
    statement.refresh_from_db()
    return response


def test_a_statement_travels_from_draft_to_the_panel(world, client):
    client.force_login(world.mentor)
    response = client.post(
        reverse("promotions:statement_new", args=[world.review.pk, "advocacy"]),
        {
            "text": "Carol has grown into a calm, clear leader of our study group.",
            "action": "Save draft",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    statement = Statement.objects.get()
    assert statement.state == Statement.State.DRAFT

    client.post(reverse("promotions:statement_submit", args=[statement.pk]))
    statement.refresh_from_db()
    assert statement.state == Statement.State.AWAITING_CONSENT

    client.force_login(world.mentee)
    consent_page = client.get(world.review.consent_url())
    assert b"Carol has grown into a calm, clear leader" in consent_page.content
    assert b"Lee Park" in consent_page.content  # who will read it
    client.post(consent_url(statement), {"text_sha256": text_sha256(statement.text)})

    statement.refresh_from_db()
    assert statement.state == Statement.State.SHARED
    assert statement.consent_text_sha256 == text_sha256(statement.text)
    assert statement.consented_at is not None
    client.force_login(world.panel_member)
    panel = client.get(world.review.get_absolute_url())
    assert b"Carol has grown into a calm, clear leader" in panel.content
    assert b"Advocacy from Maria Lopez" in panel.content
    actions = list(
        ConfidentialAuditEvent.objects.filter(target_id=str(statement.pk)).values_list(
            "action", flat=True
        )
    )
    assert Action.CONSENT_REQUESTED in actions
    assert Action.CONSENT_GRANTED in actions


def test_consent_is_recorded_against_the_text_the_mentee_read(world, client):
    statement = world.statement("awaiting_consent", text="Carol grew a lot.")
    seen = text_sha256(statement.text)
    # The mentor changes the text and sends it again while the mentee's page is open.
    Statement.objects.filter(pk=statement.pk).update(text="Carol grew a lot, and more.")
    client.force_login(world.mentee)

    response = client.post(consent_url(statement), {"text_sha256": seen})

    statement.refresh_from_db()
    assert statement.state == Statement.State.AWAITING_CONSENT
    page = client.get(response["Location"])
    assert b"The statement changed after you opened the page" in page.content


def test_consent_without_the_text_hash_is_refused(world, client):
    statement = world.statement("awaiting_consent")
    client.force_login(world.mentee)
    client.post(consent_url(statement), {})
    statement.refresh_from_db()
    assert statement.state == Statement.State.AWAITING_CONSENT


def test_editing_after_consent_clears_it_and_takes_it_off_the_panel(world, client):
    statement = world.statement("shared", text="Carol grew a lot this year.")

    response = edit_as_mentor(client, world, statement, "Carol grew a great deal this year.")

    assert response.status_code == HTTPStatus.FOUND
    assert statement.state == Statement.State.DRAFT
    assert statement.consent_text_sha256 == ""
    assert statement.consented_at is None
    assert statement.submitted_at is None
    client.force_login(world.panel_member)
    panel = client.get(world.review.get_absolute_url())
    assert b"Carol grew" not in panel.content
    client.force_login(world.mentee)
    assert b"Carol grew" not in client.get(world.review.consent_url()).content


def test_a_declined_statement_cannot_be_edited_and_asked_again(world, client):
    # tests/promotions/test_no_pressure_loop.py covers the rule; here, the view's answer.
    statement = world.statement("declined", decline_reason="Too personal.")
    response = edit_as_mentor(
        client, world, statement, "A gentler version.", "Save and ask for consent"
    )
    assert statement.state == Statement.State.DECLINED
    assert statement.decline_reason == "Too personal."
    assert b"A declined statement is final" in client.get(response["Location"]).content


def test_saving_the_same_text_changes_nothing(world, client):
    statement = world.statement("shared")
    edit_as_mentor(client, world, statement, statement.text)
    assert statement.state == Statement.State.SHARED


def test_the_decline_reason_is_for_the_mentor_only(world, client):
    statement = world.statement("awaiting_consent")
    client.force_login(world.mentee)
    client.post(
        reverse("promotions:statement_decline", args=[statement.pk]),
        {"reason": "I would rather tell them myself."},
    )
    statement.refresh_from_db()
    assert statement.state == Statement.State.DECLINED
    assert statement.decline_reason == "I would rather tell them myself."

    client.force_login(world.mentor)
    assert b"I would rather tell them myself." in client.get(world.review.input_url()).content
    client.force_login(world.panel_member)
    assert b"I would rather" not in client.get(world.review.get_absolute_url()).content
    event = ConfidentialAuditEvent.objects.get(action=Action.CONSENT_DECLINED)
    assert "I would rather" not in str(event.payload)


def test_withdrawal_takes_effect_on_the_very_next_request(world, client, mentee_client):
    statement = world.statement("shared", text="Carol listens before she decides.")
    client.force_login(world.panel_member)
    assert b"Carol listens" in client.get(world.review.get_absolute_url()).content

    mentee_client.post(reverse("promotions:statement_withdraw", args=[statement.pk]))

    response = client.get(world.review.get_absolute_url())
    assert b"Carol listens" not in response.content
    assert "no-store" in response["Cache-Control"]
    statement.refresh_from_db()
    assert statement.state == Statement.State.WITHDRAWN
    assert statement.withdrawal_cause == Statement.WithdrawalCause.MENTEE
    assert ConfidentialAuditEvent.objects.filter(action=Action.CONSENT_WITHDRAWN).count() == 1


def test_the_mentee_sees_who_was_shown_each_shared_statement_and_when(world, client):
    statement = world.statement("shared")
    client.force_login(world.panel_member)
    client.get(world.review.get_absolute_url())
    view = statement.views.get()

    client.force_login(world.mentee)
    page = client.get(world.review.consent_url()).content.decode()

    assert "Who was shown it" in page
    assert f"Lee Park, {view.viewed_at:%-d %B %Y}" in page


def test_transparency_lists_every_showing(world, client):
    statement = world.statement("shared")
    StatementViewFactory(statement=statement, viewer=world.panel_member)
    StatementViewFactory(statement=statement, viewer=world.supervisor)  # e.g. a former member
    client.force_login(world.mentee)
    page = client.get(world.review.consent_url()).content.decode()
    assert page.count("<li>Lee Park, ") == 1
    assert page.count("<li>Sam Reyes, ") == 1


def test_a_viewer_without_a_full_name_is_named_by_username(world, client):
    statement = world.statement("shared")
    viewer = UserFactory(username="panel.guest", full_name="")
    StatementViewFactory(statement=statement, viewer=viewer)
    StatementViewFactory(statement=statement, viewer=viewer)
    client.force_login(world.mentee)
    page = client.get(world.review.consent_url()).content.decode()
    assert page.count("<li>panel.guest, ") == 1
    assert "(shown 2 times since" in page


def test_a_second_consent_click_answers_with_a_message(world, client):
    statement = world.statement("awaiting_consent")
    client.force_login(world.mentee)
    client.post(consent_url(statement), {"text_sha256": text_sha256(statement.text)})
    response = client.post(consent_url(statement), {"text_sha256": text_sha256(statement.text)})
    assert response.status_code == HTTPStatus.FOUND
    page = client.get(response["Location"])
    assert b"This statement is not awaiting consent." in page.content
    assert ConfidentialAuditEvent.objects.filter(action=Action.CONSENT_GRANTED).count() == 1


@pytest.fixture
def mentee_client(world) -> Client:
    """The mentee in a browser of their own, beside the panel member's."""
    other = Client()
    other.force_login(world.mentee)
    return other


def test_consent_page_query_budget(world, client, django_assert_max_num_queries):
    for state in ("awaiting_consent", "shared", "declined", "withdrawn", "shared"):
        statement = world.statement(state)
        StatementViewFactory(statement=statement, viewer=world.panel_member)
    client.force_login(world.mentee)
    client.get(world.review.consent_url())  # the first request after login stores the session
    # 1 session, 2 user, 3 review (scoped, with whether the mentee asked not to be asked
    # again), 4 statements with their mentors' names and their pairs' active agreement terms
    # (joined, for every permission check), 5 their views with viewers, 6 panel names
    with django_assert_max_num_queries(6):
        response = client.get(world.review.consent_url())
    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().count("Who was shown it") == 3
