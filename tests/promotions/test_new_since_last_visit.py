"""The panel's page marks what was shared since this member's previous visit, computed only from
what is shared now: a statement shared and withdrawn between two visits leaves no trace."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.db import transaction

from promotions.models import PanelSeatVisit, text_sha256
from promotions.services import consent_grant, consent_withdraw, statement_create, statement_submit
from tests.factories import PanelSeatFactory, UserFactory
from tests.promotions.conftest import without_csrf

pytestmark = pytest.mark.django_db

NEW_MARK = b'class="badge text-bg-info statement-new"'


def share(world, text: str, kind: str = "advocacy"):
    statement = statement_create(
        review_id=world.review.pk, mentor=world.mentor, kind=kind, text=text
    )
    statement_submit(statement_id=statement.pk, mentor=world.mentor)
    return consent_grant(
        statement_id=statement.pk, mentee=world.mentee, text_sha256_seen=text_sha256(text)
    )


def visit(client, world) -> bytes:
    response = client.get(world.review.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    return without_csrf(response.content)


def test_the_first_visit_marks_nothing_and_records_the_visit(world, client):
    share(world, "Carol took on the mentoring circle.")
    client.force_login(world.panel_member)

    page = visit(client, world)

    assert NEW_MARK not in page
    assert PanelSeatVisit.objects.filter(seat__user=world.panel_member).exists()


def test_what_was_shared_since_the_last_visit_is_marked_new_once(world, client):
    share(world, "Carol took on the mentoring circle.")
    client.force_login(world.panel_member)
    visit(client, world)
    share(world, "Carol asked for feedback after every session.", kind="engagement")

    second = visit(client, world).decode()
    third = visit(client, world)

    assert second.count('statement-new">new</span>') == 1
    marked = second.index("statement-new")
    assert "Engagement from" in second[second.rindex("<h3", 0, marked) : marked]
    assert "shared since your last visit" in second
    assert NEW_MARK not in third


def test_each_member_has_their_own_last_visit(world, client):
    pat = UserFactory(username="pat", full_name="Pat Ng")
    PanelSeatFactory(review=world.review, user=pat)
    client.force_login(world.panel_member)
    visit(client, world)
    share(world, "Carol took on the mentoring circle.")
    visit(client, world)  # Lee has now seen it

    client.force_login(pat)
    visit(client, world)  # Pat's first visit: nothing marked
    client.force_login(world.panel_member)
    assert NEW_MARK not in visit(client, world)


def test_the_shared_date_is_shown(world, client):
    statement = share(world, "Carol took on the mentoring circle.")
    client.force_login(world.panel_member)
    page = visit(client, world).decode()
    assert f"Shared {statement.consented_at:%-d %B %Y}" in page


class Rollback(Exception):
    pass


def test_a_statement_withdrawn_between_visits_leaves_the_page_as_if_it_never_was(world, client):
    share(world, "Carol took on the mentoring circle.")
    client.force_login(world.panel_member)
    visit(client, world)
    share(world, "Carol asked for feedback after every session.", kind="engagement")

    # The same moment twice: once with a statement shared and withdrawn before the visit,
    # once without it ever existing.
    try:
        with transaction.atomic():
            gone = share(world, "Carol opened up about her doubts.")
            consent_withdraw(statement_id=gone.pk, mentee=world.mentee)
            with_withdrawn = visit(client, world)
            raise Rollback
    except Rollback:
        pass
    never = visit(client, world)

    assert with_withdrawn == never
    assert b"doubts" not in never
    assert never.count(NEW_MARK) == 1
