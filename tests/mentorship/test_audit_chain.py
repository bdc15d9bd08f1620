"""The audit trail is a hash chain that verification walks."""

from __future__ import annotations

import pgtrigger
import pytest
from django.core.management import CommandError, call_command
from django.db import InternalError, connection, transaction
from django.db.models import QuerySet

from mentorship.audit import audit_record, audit_verify
from mentorship.models import AuditEvent, PublishedRecordError
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_events_chain_onto_each_other():
    actor = UserFactory()
    first = audit_record(actor=actor, action="test.one", payload={"n": 1})
    second = audit_record(actor=actor, action="test.two", target=actor)
    assert first.prev_hash == ""
    assert second.prev_hash == first.hash
    assert second.target_type == "mentorship.user"
    assert audit_verify() is None


def test_tampering_is_found():
    actor = UserFactory()
    audit_record(actor=actor, action="test.one")
    tampered = audit_record(actor=actor, action="test.two")
    audit_record(actor=actor, action="test.three")
    # On PostgreSQL the trigger refuses this; tamper as a superuser who switched it off.
    with (
        pgtrigger.ignore("mentorship.AuditEvent:audit_event_append_only"),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE mentorship_auditevent SET action = 'test.forged' WHERE id = %s", [tampered.pk]
        )
    assert audit_verify().event == tampered


def test_events_refuse_save_and_delete():
    event = audit_record(actor=None, action="test.one")
    with pytest.raises(PublishedRecordError):
        event.save()
    with pytest.raises(PublishedRecordError):
        event.delete()


@pytest.mark.postgres
def test_database_refuses_update_and_delete():
    event = audit_record(actor=None, action="test.one")
    # a plain QuerySet of the model: past the model's own refusal, down to the trigger.
    with pytest.raises(InternalError), transaction.atomic():
        QuerySet(AuditEvent).filter(pk=event.pk).update(action="forged")
    with pytest.raises(InternalError), transaction.atomic():
        QuerySet(AuditEvent).filter(pk=event.pk).delete()


def test_bulk_update_and_delete_are_refused_by_the_model():
    event = audit_record(actor=None, action="test.one")
    with pytest.raises(PublishedRecordError):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(PublishedRecordError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.one"


def test_verify_audit_command_reports_intact_chain(capsys):
    audit_record(actor=None, action="test.one")
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "Operational audit chain intact: 1 events." in out
    assert "Confidential audit chain intact: 0 events." in out


def test_verify_audit_command_names_the_first_broken_event():
    audit_record(actor=None, action="test.one")
    broken = audit_record(actor=None, action="test.two")
    with (
        pgtrigger.ignore("mentorship.AuditEvent:audit_event_append_only"),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE mentorship_auditevent SET payload = %s WHERE id = %s", ['{"x": 1}', broken.pk]
        )
    with pytest.raises(CommandError, match=f"broken: event #{broken.pk} "):
        call_command("verify_audit")


def _remove_events(*events: AuditEvent) -> None:
    """As a database user who switched the append-only trigger off."""
    with pgtrigger.ignore("mentorship.AuditEvent:audit_event_append_only"):
        AuditEvent._base_manager.filter(pk__in=[e.pk for e in events])._raw_delete("default")


def test_events_removed_from_the_end_are_found():
    # Every remaining link still matches; only the chain head remembers the last event.
    actor = UserFactory()
    audit_record(actor=actor, action="test.one")
    audit_record(actor=actor, action="test.two")
    last = audit_record(actor=actor, action="test.three")
    _remove_events(last)

    broken = audit_verify()

    assert broken is not None
    assert broken.event is None
    assert "removed from its end" in broken.reason
    with pytest.raises(CommandError, match="events were removed from its end"):
        call_command("verify_audit")


def test_an_emptied_trail_is_found():
    events = [audit_record(actor=None, action=f"test.{n}") for n in range(3)]
    _remove_events(*events)
    assert audit_verify() is not None


def test_a_trail_that_was_never_written_is_intact():
    assert audit_verify() is None
