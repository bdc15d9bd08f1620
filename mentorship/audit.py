"""The audit trail: append-only, hash-chained events written inside the caller's transaction.

Two chains, each in its own table. The operational chain (AuditEvent) is what every program
admin reads, whole: no per-viewer exclusion, so no hole in its ids or prev_hash links tells a
viewer that something was hidden from them, or when. Events about confidential records (a
statement, its consent and showing, an assessment) go to the confidential chain
(ConfidentialAuditEvent), which no admin page shows; management commands verify and export it.
`audit_record` routes every event by its action and target, so callers never choose.

Every writer locks its chain's head row first, so two concurrent writers queue up instead of
both chaining onto the same predecessor (which would fork the chain).
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, router, transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from mentorship import declarations
from mentorship.actions import Action  # noqa: F401 - callers import it beside audit_record
from mentorship.models import (
    AuditChainHead,
    AuditEvent,
    AuditRecord,
    ConfidentialAuditEvent,
    User,
)
from mentorship.permissions import is_program_admin

# What makes an event confidential, each app declaring its own (mentorship/declarations.py):
# its action, by name or prefix, or its target's model.
CONFIDENTIAL_ACTION_PREFIXES = declarations.confidential_audit_action_prefixes()
CONFIDENTIAL_ACTIONS = declarations.confidential_audit_actions()
CONFIDENTIAL_TARGETS = declarations.confidential_audit_targets()


@dataclass(frozen=True)
class Chain:
    name: str
    model: type[AuditRecord]
    head_pk: int

    def __str__(self) -> str:
        return self.name


OPERATIONAL = Chain("operational", AuditEvent, AuditChainHead.OPERATIONAL)
CONFIDENTIAL = Chain("confidential", ConfidentialAuditEvent, AuditChainHead.CONFIDENTIAL)
CHAINS = (OPERATIONAL, CONFIDENTIAL)


def is_confidential(action: str, target_type: str) -> bool:
    return (
        action.startswith(CONFIDENTIAL_ACTION_PREFIXES)
        or action in CONFIDENTIAL_ACTIONS
        or target_type in CONFIDENTIAL_TARGETS
    )


def chain_for(action: str, target_type: str) -> Chain:
    return CONFIDENTIAL if is_confidential(action, target_type) else OPERATIONAL


def audit_events_visible_to(user: User) -> QuerySet[AuditEvent]:
    """The trail as the admin site shows it: the whole operational chain to every program
    admin (states, ids and dates only), nothing to anyone else. One rule for every admin:
    what one must not see is in the confidential chain, not cut out of this one."""
    if not is_program_admin(user):
        return AuditEvent.objects.none()
    return AuditEvent.objects.all()


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def event_digest(event: AuditRecord, *, prev_hash: str) -> str:
    """The hash an event carries: its content chained onto its predecessor's hash."""
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


TARGET_ID_LENGTH = AuditRecord._meta.get_field("target_id").max_length


def _target_key(target: models.Model | None) -> tuple[str, str]:
    if target is None:
        return "", ""
    # A requested pk is recorded as given (access.denied), however long a probe made it.
    return target._meta.label_lower, str(target.pk)[:TARGET_ID_LENGTH]


# No savepoint inside the caller's transaction: an event that cannot be written must undo the
# act it records, so nothing would ever roll back to one (two round trips per event saved).
@transaction.atomic(savepoint=False)
def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    request: HttpRequest | None = None,
    payload: dict[str, Any] | None = None,
) -> AuditRecord:
    """Append one event to the chain its action and target belong to. The payload must never
    carry confidential text."""
    target_type, target_id = _target_key(target)
    chain = chain_for(action, target_type)
    using = router.db_for_write(chain.model)
    connection = connections[using]
    last_hash = _lock_head(connection, chain)
    event = chain.model(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        ip_address=client_ip(request),
        payload=payload or {},
        prev_hash=last_hash,
    )
    event.hash = event_digest(event, prev_hash=event.prev_hash)
    _append(connection, chain, event)
    return event


# The chain's two writes as SQL written once per process, not through save(): Django's model
# save and queryset compilation were most of an event's cost (about 1 ms of CPU, on every
# panel-page request). The same rows, the same lock, held from the head's read to the caller's
# commit.


@dataclass(frozen=True)
class _ChainSQL:
    lock: str  # the head's last hash, its row locked
    append: str  # insert the event; on PostgreSQL also move the head, returning the event's id
    move_head: str | None  # elsewhere, move the head after the insert
    fields: tuple[models.Field, ...]  # the event's columns, in the INSERT's order


@functools.cache
def _chain_sql(alias: str, chain: Chain) -> _ChainSQL:
    connection = connections[alias]
    quote = connection.ops.quote_name
    head_table, last_hash, id_ = (
        quote(AuditChainHead._meta.db_table),
        quote("last_hash"),
        quote("id"),
    )
    table = quote(chain.model._meta.db_table)
    fields = tuple(f for f in chain.model._meta.concrete_fields if not f.primary_key)
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Names from the models, values as parameters.
    lock = f"SELECT {last_hash} FROM {head_table} WHERE {id_} = %s"  # noqa: S608
    insert = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    move_head = f"UPDATE {head_table} SET {last_hash} = %s WHERE {id_} = %s"  # noqa: S608
    # SQLite has no row locks: its writer lock serialises whole transactions.
    if connection.features.has_select_for_update:
        lock += " FOR UPDATE"
    if connection.vendor == "postgresql":
        # One round trip: a data-modifying WITH runs exactly once, whether or not it is read.
        append = (
            f"WITH event AS ({insert} RETURNING {id_}) "  # noqa: S608
            f"{move_head} RETURNING (SELECT {id_} FROM event)"
        )
        return _ChainSQL(lock, append, None, fields)
    return _ChainSQL(lock, insert, move_head, fields)


def _lock_head(connection, chain: Chain) -> str:
    """The chain head's last hash, its row locked until the transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute(_chain_sql(connection.alias, chain).lock, [chain.head_pk])
        row = cursor.fetchone()
    if row is not None:
        return row[0]
    # The chain's first event: create its head (get_or_create copes with a concurrent creator).
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=chain.head_pk)
    return head.last_hash


def _append(connection, chain: Chain, event: AuditRecord) -> None:
    """Insert the event and move the locked head onto its hash."""
    sql = _chain_sql(connection.alias, chain)
    values = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in sql.fields]
    with connection.cursor() as cursor:
        if sql.move_head is None:
            cursor.execute(sql.append, [*values, event.hash, chain.head_pk])
            row = cursor.fetchone()
            if row is None:  # the head was locked above: it cannot have gone
                raise RuntimeError(f"The {chain} audit chain's head is missing.")
            event.pk = row[0]
        else:
            cursor.execute(sql.append, values)
            event.pk = connection.ops.last_insert_id(cursor, chain.model._meta.db_table, "id")
            cursor.execute(sql.move_head, [event.hash, chain.head_pk])
    event._state.adding = False
    event._state.db = connection.alias
    # What save() remembers: the guard compares any later save with these values.
    event._remember(f.attname for f in chain.model._meta.concrete_fields)


@dataclass(frozen=True)
class ChainBreak:
    """Where an audit chain stops proving itself (which chain: `chain`)."""

    chain: Chain
    event: AuditRecord | None  # the first event that does not match; None: events are missing
    reason: str

    def __str__(self) -> str:
        if self.event is None:
            return self.reason
        return (
            f"event #{self.event.pk} ({self.event.action}, "
            f"{self.event.occurred_at:%Y-%m-%d %H:%M:%S}): {self.reason}"
        )


def audit_verify(chains: tuple[Chain, ...] = CHAINS) -> ChainBreak | None:
    """Walk each chain oldest first; return where the first one breaks, else None."""
    for chain in chains:
        broken = chain_verify(chain)
        if broken is not None:
            return broken
    return None


def chain_verify(chain: Chain) -> ChainBreak | None:
    """Walk one chain oldest first; return where it breaks, else None.

    Each event must hash its content onto its predecessor's hash, and the chain head's last
    hash, read before the walk, must be among the events walked: events removed from the end
    of the chain leave every remaining link intact, so only the head shows they are gone.
    (Events appended during the walk come after that hash and are checked like the rest.)
    """
    head_hash = (
        AuditChainHead.objects.filter(pk=chain.head_pk).values_list("last_hash", flat=True).first()
    )
    reached_head = not head_hash
    prev_hash = ""
    for event in chain.model.objects.order_by("id").iterator(chunk_size=2000):
        expected = event_digest(event, prev_hash=prev_hash)
        if event.prev_hash != prev_hash or event.hash != expected:
            return ChainBreak(
                chain, event, "its hash does not match its content or its predecessor"
            )
        reached_head = reached_head or event.hash == head_hash
        prev_hash = event.hash
    if not reached_head:
        return ChainBreak(
            chain,
            None,
            "the chain ends before the last event recorded in its head: events were removed "
            "from its end",
        )
    return None
