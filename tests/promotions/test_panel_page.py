"""Leadership's page: assessment and shared input, an access record per showing, a query budget."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentorship.audit import Action
from mentorship.models import ConfidentialAuditEvent
from promotions.models import StatementView, text_sha256

pytestmark = pytest.mark.django_db


def test_the_panel_reads_the_assessment_and_shared_input_with_mentor_and_kind(world, client):
    world.review.supervisor_assessment = "Delivered the migration on time."
    world.review.assessment_written_at = world.review.created_at
    world.review.save()
    world.statement("shared", kind="advocacy", text="Carol has grown as a listener.")
    world.statement("shared", kind="engagement", text="We met 9 times of 14 planned.")
    client.force_login(world.panel_member)

    page = client.get(world.review.get_absolute_url()).content.decode()

    assert "Delivered the migration on time." in page
    assert "By Sam Reyes" in page
    assert "Advocacy from Maria Lopez, mentor" in page
    assert "Engagement from Maria Lopez, mentor" in page
    assert "Carol has grown as a listener." in page
    assert "We met 9 times of 14 planned." in page
    assert "No mentor input is available" not in page


def test_each_showing_writes_a_view_per_statement_and_one_audit_event(world, client):
    first = world.statement("shared")
    second = world.statement("shared", kind="engagement")
    world.statement("declined")
    client.force_login(world.panel_member)

    client.get(world.review.get_absolute_url())
    client.get(world.review.get_absolute_url())

    views = StatementView.objects.filter(viewer=world.panel_member)
    assert views.count() == 4
    assert set(views.values_list("statement", flat=True)) == {first.pk, second.pk}
    assert set(views.values_list("text_sha256", flat=True)) == {
        text_sha256(first.text),
        text_sha256(second.text),
    }
    events = ConfidentialAuditEvent.objects.filter(action=Action.STATEMENTS_SHOWN)
    assert events.count() == 2
    event = events.first()
    assert event.actor == world.panel_member
    assert event.payload["statements"] == [first.pk, second.pk]
    assert first.text not in str(event.payload)


def test_panel_page_query_budget(world, client, django_assert_max_num_queries):
    for _ in range(3):
        world.statement("shared")
    client.force_login(world.panel_member)
    client.get(world.review.get_absolute_url())  # the first request after login stores the session
    # 1 session, 2 user, 3 review (scoped, with the viewer's seat and last visit and the names
    # it prints); one transaction (here a savepoint, 4, inside the test's) for 5 the visit's
    # upsert (the "new" marks), 6 shared statements with their mentors and the access record:
    # 7 StatementView insert, 8 audit chain head (for update), 9 audit insert, 10 chain head
    # update (9 and 10 are one statement on PostgreSQL), 11 release (no savepoint of their own
    # around the showings or the audit event); 12 panel names. (No candidate's-mentor check:
    # separation of duties keeps mentors off.)
    with django_assert_max_num_queries(12):
        response = client.get(world.review.get_absolute_url())
    assert response.status_code == HTTPStatus.OK


def test_panel_page_queries_do_not_grow_with_the_number_of_statements(world, client):
    client.force_login(world.panel_member)
    world.statement("shared")
    client.get(world.review.get_absolute_url())
    with CaptureQueriesContext(connection) as one:
        client.get(world.review.get_absolute_url())
    for _ in range(5):
        world.statement("shared")
    with CaptureQueriesContext(connection) as six:
        client.get(world.review.get_absolute_url())
    assert len(six) == len(one)
