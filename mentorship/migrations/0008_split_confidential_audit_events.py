"""Move the confidential events already written into the confidential chain.

Until 0007 every event was in one chain and program admins saw it minus per-viewer exclusions,
whose holes in the ids and prev_hash links told them what was hidden and when. From now on
events about confidential records go to their own chain (mentorship.audit). A trail with no
such event stays exactly as it is: nothing is re-hashed. Otherwise, in one transaction:

1. the old chain must verify; re-hashing a chain that was tampered with would launder it, so
   the migration stops and names the event (repair, or restore, and migrate again);
2. the confidential events are copied, oldest first, into a new chain in their own table, with
   ids from 1, and removed from the operational table;
3. the remaining operational events are renumbered from 1 in their order and re-chained, so
   that neither their ids nor their links keep a gap where a confidential event was;
4. one operational event, `audit.chains_split`, records the old chain's last hash, so an
   export taken before the split still ties to the new chain.

The rule is frozen here as it stood at this migration; later routing changes apply to new
events only. On PostgreSQL the append-only triggers of the operational table are disabled for
this transaction only (ALTER TABLE takes the table's lock until it commits).
"""

from __future__ import annotations

import hashlib
import json

from django.db import migrations
from django.utils import timezone

OPERATIONAL_HEAD = 1
CONFIDENTIAL_HEAD = 2
CHUNK = 2000


def is_confidential(action: str, target_type: str) -> bool:
    return (
        action.startswith("statement.")
        or action in {"review.assessment_written", "review.statements_shown"}
        or target_type == "promotions.statement"
    )


def digest(prev_hash: str, event) -> str:
    body = json.dumps(
        {
            "prev": prev_hash,
            "at": event.occurred_at.isoformat(),
            "actor": event.actor_id,
            "action": event.action,
            "target": [event.target_type, str(event.target_id)],
            "ip": event.ip_address,
            "payload": event.payload,
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _ordered(model, after: int):
    return model._base_manager.filter(id__gt=after).order_by("id")[:CHUNK]


def _walk(model):
    last = 0
    while True:
        chunk = list(_ordered(model, last))
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].id


def _verify_old_chain(AuditEvent, AuditChainHead) -> None:
    head = AuditChainHead.objects.filter(pk=OPERATIONAL_HEAD).first()
    head_hash = head.last_hash if head else ""
    reached_head = not head_hash
    prev = ""
    for event in _walk(AuditEvent):
        if event.prev_hash != prev or event.hash != digest(prev, event):
            raise RuntimeError(
                f"Audit event #{event.id} does not match its content or its predecessor; "
                "refusing to re-chain a broken trail (run `manage.py verify_audit`)."
            )
        reached_head = reached_head or event.hash == head_hash
        prev = event.hash
    if not reached_head:
        raise RuntimeError(
            "The audit chain ends before its head's last hash: events were removed from its "
            "end; refusing to re-chain a broken trail."
        )


def _reset_sequences(schema_editor, *models) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table}), 1), "
                    f"(SELECT MAX(id) FROM {table}) IS NOT NULL)",
                    [table],
                )
            elif connection.vendor == "sqlite":
                cursor.execute(
                    "UPDATE sqlite_sequence SET seq = "
                    f"(SELECT COALESCE(MAX(id), 0) FROM {table}) WHERE name = %s",
                    [table],
                )


def split(apps, schema_editor):
    AuditEvent = apps.get_model("mentorship", "AuditEvent")
    ConfidentialAuditEvent = apps.get_model("mentorship", "ConfidentialAuditEvent")
    AuditChainHead = apps.get_model("mentorship", "AuditChainHead")
    if not any(is_confidential(e.action, e.target_type) for e in _walk(AuditEvent)):
        return
    _verify_old_chain(AuditEvent, AuditChainHead)
    old_head = AuditChainHead.objects.get(pk=OPERATIONAL_HEAD).last_hash
    table = AuditEvent._meta.db_table
    on_postgres = schema_editor.connection.vendor == "postgresql"
    if on_postgres:
        schema_editor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")

    # 2. Copy the confidential events to their own chain, then remove them here.
    prev, moved, copies = "", [], []
    for event in _walk(AuditEvent):
        if not is_confidential(event.action, event.target_type):
            continue
        copy = ConfidentialAuditEvent(
            id=len(moved) + 1,
            occurred_at=event.occurred_at,
            actor_id=event.actor_id,
            action=event.action,
            target_type=event.target_type,
            target_id=event.target_id,
            ip_address=event.ip_address,
            payload=event.payload,
            prev_hash=prev,
        )
        copy.hash = prev = digest(prev, copy)
        copies.append(copy)
        moved.append(event.id)
        if len(copies) == CHUNK:
            ConfidentialAuditEvent.objects.bulk_create(copies)
            copies = []
    ConfidentialAuditEvent.objects.bulk_create(copies)
    for start in range(0, len(moved), CHUNK):
        AuditEvent._base_manager.filter(id__in=moved[start : start + CHUNK])._raw_delete(
            schema_editor.connection.alias
        )
    AuditChainHead.objects.update_or_create(pk=CONFIDENTIAL_HEAD, defaults={"last_hash": prev})

    # 3. Renumber and re-chain what stays, oldest first. Every id below the row in hand is
    # either already renumbered (and below new_id) or was a moved event's, now free. The events
    # before the first moved one keep their id and hashes.
    prev, new_id = "", 0
    for event in _walk(AuditEvent):
        new_id += 1
        unchanged = (event.id, event.prev_hash, event.hash)
        old_id = event.id
        event.id = new_id
        event.prev_hash = prev
        event.hash = prev = digest(prev, event)
        if (event.id, event.prev_hash, event.hash) != unchanged:
            AuditEvent._base_manager.filter(id=old_id).update(
                id=new_id, prev_hash=event.prev_hash, hash=event.hash
            )

    # 4. Tie the old chain to the new one.
    split_event = AuditEvent(
        id=new_id + 1,
        occurred_at=timezone.now(),
        actor_id=None,
        action="audit.chains_split",
        target_type="",
        target_id="",
        ip_address=None,
        payload={"previous_head": old_head},
        prev_hash=prev,
    )
    split_event.hash = digest(prev, split_event)
    AuditEvent.objects.bulk_create([split_event])
    AuditChainHead.objects.update_or_create(
        pk=OPERATIONAL_HEAD, defaults={"last_hash": split_event.hash}
    )
    _reset_sequences(schema_editor, AuditEvent, ConfidentialAuditEvent)
    if on_postgres:
        # The deferred foreign-key checks of the rows written above must run before ALTER.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


class Migration(migrations.Migration):
    dependencies = [
        ("mentorship", "0007_confidential_audit_chain"),
    ]

    operations = [
        migrations.RunPython(split, migrations.RunPython.noop, elidable=False),
    ]
