"""Migration 0008 moves confidential events written before the split into their own chain,
leaves both chains whole, and refuses to re-chain a trail that was tampered with."""

from __future__ import annotations

import importlib
import itertools

import pgtrigger
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from mentorship.audit import Action, audit_record, audit_verify
from mentorship.models import AuditChainHead, AuditEvent, ConfidentialAuditEvent

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("mentorship", "0007_confidential_audit_chain")
split = importlib.import_module("mentorship.migrations.0008_split_confidential_audit_events")

# (action, target type, target id) in the order they were written into the one old chain.
OLD_TRAIL = [
    ("guideline.published", "mentorship.guideline", "1"),
    ("statement.revised", "promotions.statement", "7"),
    ("review.status_changed", "promotions.promotionreview", "3"),
    ("statement.consent_declined", "promotions.statement", "7"),
    ("access.denied", "promotions.statement", "8"),
    ("review.statements_shown", "promotions.promotionreview", "3"),
    ("agreement.signed", "agreements.agreement", "2"),
    ("review.assessment_written", "promotions.promotionreview", "3"),
    ("access.denied", "mentorship.pair", "4"),
]


@pytest.fixture(autouse=True)
def back_to_latest():
    """Whatever a test leaves behind, the next one finds every migration applied."""
    yield
    with pgtrigger.ignore("mentorship.AuditEvent:audit_event_append_only"):
        AuditEvent._base_manager.all()._raw_delete(connection.alias)
    _migrate_to_latest()


def _before_split():
    """The database as 0007 left it, with the historical models of that state."""
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    executor.loader.build_graph()
    return executor.loader.project_state([BEFORE]).apps


def _migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _write_old_trail(apps, *, forge_at: int | None = None) -> str:
    OldEvent = apps.get_model("mentorship", "AuditEvent")
    Head = apps.get_model("mentorship", "AuditChainHead")
    prev = ""
    for n, (action, target_type, target_id) in enumerate(OLD_TRAIL):
        event = OldEvent(
            occurred_at=timezone.now(),
            action=action,
            target_type=target_type,
            target_id=target_id,
            payload={"n": n},
            prev_hash=prev,
        )
        event.hash = prev = split.digest(prev, event)
        if n == forge_at:
            event.payload = {"n": "forged"}
        event.save()
    Head.objects.update_or_create(pk=1, defaults={"last_hash": prev})
    return prev


def _contiguous(model) -> list:
    events = list(model.objects.order_by("id"))
    assert [e.pk for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == ""
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    return events


def test_confidential_events_move_and_both_chains_stay_whole():
    old_head = _write_old_trail(_before_split())

    _migrate_to_latest()

    operational = _contiguous(AuditEvent)
    confidential = _contiguous(ConfidentialAuditEvent)
    assert [(e.action, e.target_type) for e in operational] == [
        ("guideline.published", "mentorship.guideline"),
        ("review.status_changed", "promotions.promotionreview"),
        ("agreement.signed", "agreements.agreement"),
        ("access.denied", "mentorship.pair"),
        ("audit.chains_split", ""),
    ]
    assert operational[-1].payload == {"previous_head": old_head}
    assert [e.payload["n"] for e in confidential] == [1, 3, 4, 5, 7]
    assert audit_verify() is None
    # New events continue each chain with the next id: the sequences followed the renumbering.
    audit_record(actor=None, action=Action.PANEL_CHANGED)
    audit_record(actor=None, action=Action.STATEMENT_REVISED)
    assert _contiguous(AuditEvent)[-1].action == Action.PANEL_CHANGED
    assert _contiguous(ConfidentialAuditEvent)[-1].action == Action.STATEMENT_REVISED
    assert audit_verify() is None


def test_a_trail_without_confidential_events_is_left_exactly_as_it_was():
    apps = _before_split()
    OldEvent = apps.get_model("mentorship", "AuditEvent")
    prev = ""
    for _ in range(3):
        event = OldEvent(occurred_at=timezone.now(), action="agreement.signed", prev_hash=prev)
        event.hash = prev = split.digest(prev, event)
        event.save()
    before = list(OldEvent.objects.order_by("id").values_list("id", "hash"))

    _migrate_to_latest()

    assert list(AuditEvent.objects.order_by("id").values_list("id", "hash")) == before
    assert not ConfidentialAuditEvent.objects.exists()


def test_a_tampered_trail_is_not_re_chained():
    apps = _before_split()
    _write_old_trail(apps, forge_at=2)

    with pytest.raises(RuntimeError, match="refusing to re-chain a broken trail"):
        _migrate_to_latest()

    OldEvent = apps.get_model("mentorship", "AuditEvent")
    assert OldEvent.objects.count() == len(OLD_TRAIL)
    assert not AuditChainHead.objects.filter(pk=2).exists()
