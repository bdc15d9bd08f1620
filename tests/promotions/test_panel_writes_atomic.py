"""The panel page writes its visit, its showings and their audit event in one transaction: a
page whose showings could not be recorded leaves no visit, no showing and no event behind."""

from __future__ import annotations

import pytest

from mentorship.audit import Action, audit_verify
from mentorship.models import ConfidentialAuditEvent
from promotions import services
from promotions.models import PanelSeatVisit, StatementView

pytestmark = pytest.mark.django_db


class AuditDown(Exception):
    pass


def test_a_failed_audit_event_leaves_no_visit_and_no_showing(world, client, monkeypatch):
    world.statement("shared")
    client.force_login(world.panel_member)

    def refuse(**kwargs):
        raise AuditDown

    monkeypatch.setattr(services, "audit_record", refuse)
    with pytest.raises(AuditDown):
        client.get(world.review.get_absolute_url())

    assert not PanelSeatVisit.objects.exists()
    assert not StatementView.objects.exists()
    assert not ConfidentialAuditEvent.objects.exists()


def test_each_request_records_its_visit_showings_and_one_chained_event(world, client):
    shared = world.statement("shared")
    client.force_login(world.panel_member)

    for _ in range(3):
        client.get(world.review.get_absolute_url())

    assert PanelSeatVisit.objects.count() == 1
    assert StatementView.objects.filter(statement=shared, viewer=world.panel_member).count() == 3
    events = ConfidentialAuditEvent.objects.filter(action=Action.STATEMENTS_SHOWN).order_by("id")
    assert [e.payload["statements"] for e in events] == [[shared.pk]] * 3
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:2]]
    assert audit_verify() is None
