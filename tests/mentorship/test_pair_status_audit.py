"""A pair's status, set by a program admin, is on the record: it decides whether the mentor may
give input in a review, which the program dashboard relies on (found in review)."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from mentorship.audit import Action
from mentorship.models import AuditEvent, Pair
from tests.factories import PairFactory, ProgramAdminFactory
from tests.mentorship.test_pair_members_fixed import change_form, change_url

pytestmark = pytest.mark.django_db


def status_events(pair: Pair) -> list[dict]:
    events = AuditEvent.objects.filter(
        action=Action.PAIR_STATUS_CHANGED, target_id=str(pair.pk)
    ).order_by("pk")
    return [event.payload for event in events]


def test_a_status_change_in_the_admin_is_audited(client):
    pair = PairFactory(status=Pair.Status.ACTIVE)
    admin = ProgramAdminFactory()
    client.force_login(admin)

    response = client.post(change_url(pair), change_form(pair, status=Pair.Status.ENDED))

    assert response.status_code == HTTPStatus.FOUND
    assert status_events(pair) == [{"from": "active", "to": "ended"}]
    event = AuditEvent.objects.get(action=Action.PAIR_STATUS_CHANGED)
    assert event.actor == admin


def test_a_save_without_a_status_change_records_nothing(client):
    pair = PairFactory(status=Pair.Status.ACTIVE)
    client.force_login(ProgramAdminFactory())

    response = client.post(change_url(pair), change_form(pair, cadence_days=7))

    assert response.status_code == HTTPStatus.FOUND
    assert status_events(pair) == []


def test_the_admin_offers_and_takes_only_the_declared_moves(client):
    pair = PairFactory(status=Pair.Status.ENDED)
    client.force_login(ProgramAdminFactory())

    page = client.get(change_url(pair))
    offered = [value for value, _ in page.context["adminform"].form.fields["status"].choices]
    response = client.post(change_url(pair), change_form(pair, status=Pair.Status.ACTIVE))

    assert offered == [Pair.Status.ENDED]
    assert response.status_code == HTTPStatus.OK  # the form again, with the error
    assert not response.context["adminform"].form.is_valid()
    pair.refresh_from_db()
    assert pair.status == Pair.Status.ENDED
    assert status_events(pair) == []


def test_an_active_pair_may_be_completed_or_ended_in_the_admin(client):
    pair = PairFactory(status=Pair.Status.ACTIVE)
    client.force_login(ProgramAdminFactory())

    page = client.get(change_url(pair))
    offered = {value for value, _ in page.context["adminform"].form.fields["status"].choices}

    assert offered == {Pair.Status.ACTIVE, *Pair.TRANSITIONS.targets(Pair.Status.ACTIVE)}
