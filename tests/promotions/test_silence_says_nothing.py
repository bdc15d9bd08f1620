"""A panel member cannot tell "no input" from declined, withdrawn, draft or pending input."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentorship.models import AuditEvent, ConfidentialAuditEvent
from promotions.models import Statement, StatementView
from promotions.views import NOTHING_SHARED
from tests.promotions.conftest import without_csrf

pytestmark = pytest.mark.django_db

UNSHARED_STATES = ["draft", "awaiting_consent", "declined", "withdrawn"]


def panel_page(client, world) -> tuple[bytes, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("promotions:review", args=[world.review.pk]))
    assert response.status_code == HTTPStatus.OK
    # Literals (timestamps, session keys) vary between requests; the statements must not.
    shapes = [
        re.sub(r'"s\d+_x\d+"', "?", re.sub(r"'[^']*'", "?", q["sql"]))
        for q in queries.captured_queries
    ]
    return without_csrf(response.content), shapes


def test_the_page_is_byte_identical_and_runs_the_same_queries(world, client):
    client.force_login(world.panel_member)
    panel_page(client, world)  # the first request after login also stores the session
    baseline, baseline_sql = panel_page(client, world)
    assert NOTHING_SHARED.encode() in baseline

    for state in UNSHARED_STATES:
        statement = world.statement(state, text=f"Unshared input in state {state}.")
        body, sql = panel_page(client, world)
        assert body == baseline, state
        assert sql == baseline_sql, state
        statement.delete()


def test_several_unshared_statements_of_both_kinds_change_nothing(world, client):
    client.force_login(world.panel_member)
    baseline, _ = panel_page(client, world)
    for state in UNSHARED_STATES:
        world.statement(state, kind="advocacy")
        world.statement(state, kind="engagement")
    body, _ = panel_page(client, world)
    assert body == baseline


def test_a_shared_statement_with_tampered_text_is_not_shown(world, client):
    client.force_login(world.panel_member)
    baseline, _ = panel_page(client, world)
    statement = world.statement("shared", text="Carol grew a lot this year.")
    # Changed behind the workflow's back: consent no longer covers the text.
    Statement.objects.filter(pk=statement.pk).update(text="Carol is a poor performer.")

    body, _ = panel_page(client, world)

    assert body == baseline
    assert not StatementView.objects.exists()


def test_nothing_shared_writes_no_access_record(world, client):
    for state in UNSHARED_STATES:
        world.statement(state)
    client.force_login(world.panel_member)
    events_before = AuditEvent.objects.count(), ConfidentialAuditEvent.objects.count()

    panel_page(client, world)

    assert not StatementView.objects.exists()
    assert (AuditEvent.objects.count(), ConfidentialAuditEvent.objects.count()) == events_before


def test_the_neutral_line_is_the_only_trace(world, client):
    world.statement("declined", decline_reason="Private matter between us.")
    client.force_login(world.panel_member)
    body, _ = panel_page(client, world)
    text = body.decode()
    assert text.count(NOTHING_SHARED) == 1
    for leak in ("declined", "Declined", "withdrawn", "draft", "awaiting", "Private matter"):
        assert leak not in text, leak
