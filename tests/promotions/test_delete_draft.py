"""A mentor deletes a draft no one else has seen; nothing else, and nobody else."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from mentorship.audit import Action
from mentorship.models import AuditEvent, ConfidentialAuditEvent
from promotions.models import Statement
from promotions.services import statement_create, statement_edit, statement_submit

pytestmark = pytest.mark.django_db

DRAFT = "Carol ran our sessions with real curiosity this spring."


def delete(client, statement, confirm=True):
    data = {"confirm": "on"} if confirm else {}
    return client.post(reverse("promotions:statement_delete", args=[statement.pk]), data)


def test_the_author_deletes_a_draft_after_confirming(world, client):
    draft = world.statement("draft", text=DRAFT)
    client.force_login(world.mentor)
    page = client.get(world.review.input_url()).content.decode()
    assert reverse("promotions:statement_delete", args=[draft.pk]) in page

    response = delete(client, draft)

    assert response.status_code == HTTPStatus.FOUND
    assert not Statement.objects.filter(pk=draft.pk).exists()
    event = ConfidentialAuditEvent.objects.get(action=Action.STATEMENT_DRAFT_DELETED)
    assert event.actor == world.mentor
    assert event.payload == {
        "statement": draft.pk,
        "review": world.review.pk,
        "kind": draft.kind,
    }
    assert DRAFT not in str(event.payload)
    assert not AuditEvent.objects.filter(action=Action.STATEMENT_DRAFT_DELETED).exists()
    assert "Your draft was deleted." in client.get(response["Location"]).content.decode()


def test_without_confirmation_nothing_is_deleted(world, client):
    draft = world.statement("draft")
    client.force_login(world.mentor)

    response = delete(client, draft, confirm=False)

    assert response.status_code == HTTPStatus.FOUND
    assert Statement.objects.filter(pk=draft.pk).exists()
    assert "tick the box to confirm" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("state", ["awaiting_consent", "shared", "declined", "withdrawn"])
def test_a_statement_sent_for_consent_is_refused_with_a_message(world, client, state):
    statement = world.statement(state)
    client.force_login(world.mentor)
    page = client.get(world.review.input_url()).content.decode()
    assert reverse("promotions:statement_delete", args=[statement.pk]) not in page

    response = delete(client, statement)

    assert response.status_code == HTTPStatus.FOUND
    assert Statement.objects.filter(pk=statement.pk).exists()
    assert (
        "Only a draft never sent for consent" in client.get(response["Location"]).content.decode()
    )


def test_a_draft_once_sent_and_edited_back_stays(world, client):
    # The mentee was asked about it: it is no longer a draft no one else has seen.
    sent = statement_create(
        review_id=world.review.pk, mentor=world.mentor, kind="advocacy", text=DRAFT
    )
    statement_submit(statement_id=sent.pk, mentor=world.mentor)
    statement_edit(statement_id=sent.pk, mentor=world.mentor, text="A new text.")
    sent.refresh_from_db()
    assert sent.state == Statement.State.DRAFT
    client.force_login(world.mentor)

    response = delete(client, sent)

    assert response.status_code == HTTPStatus.FOUND
    assert Statement.objects.filter(pk=sent.pk).exists()


def test_a_draft_in_a_closed_review_stays(world, client):
    draft = world.statement("draft")
    world.close_review()
    client.force_login(world.mentor)

    delete(client, draft)

    assert Statement.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize(
    "role",
    ["mentee", "panel_member", "supervisor", "program_admin", "superuser", "outsider"],
)
def test_anyone_else_gets_404_and_nothing_changes(world, client, role):
    draft = world.statement("draft")
    client.force_login(world.person(role))

    response = delete(client, draft)

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert Statement.objects.filter(pk=draft.pk).exists()


def test_a_get_deletes_nothing(world, client):
    draft = world.statement("draft")
    client.force_login(world.mentor)
    response = client.get(reverse("promotions:statement_delete", args=[draft.pk]))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert Statement.objects.filter(pk=draft.pk).exists()
