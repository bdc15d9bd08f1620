"""The audit trail: append-only, hash-chained events written inside the caller's transaction.

Every writer locks the single chain-head row first, so two concurrent writers queue up instead
of both chaining onto the same predecessor (which would fork the chain).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from mentorship.models import AuditChainHead, AuditEvent, User
from mentorship.permissions import is_program_admin


class Action:
    GUIDELINE_PUBLISHED = "guideline.published"
    AGREEMENT_SIGNED = "agreement.signed"
    AGREEMENT_ACTIVATED = "agreement.activated"
    AGREEMENT_ENDED = "agreement.ended"
    AGREEMENT_SUPERSEDED = "agreement.superseded"
    # A proposal taken off the table before both signed: withdrawn by its proposer, declined
    # by the partner, or voided because the agreement it would have amended was ended.
    AGREEMENT_VOIDED = "agreement.voided"
    STATEMENT_REVISED = "statement.revised"
    CONSENT_REQUESTED = "statement.consent_requested"
    CONSENT_GRANTED = "statement.consent_granted"
    CONSENT_DECLINED = "statement.consent_declined"
    CONSENT_WITHDRAWN = "statement.consent_withdrawn"
    # The mentee's "don't ask me again in this review", given with a decline.
    CONSENT_OPTED_OUT = "statement.consent_opted_out"
    REVIEW_STATUS_CHANGED = "review.status_changed"
    ASSESSMENT_WRITTEN = "review.assessment_written"
    PANEL_CHANGED = "review.panel_changed"
    STATEMENTS_SHOWN = "review.statements_shown"
    ACCESS_DENIED = "access.denied"


# Apps register what a user must not see of the trail even as a program admin, e.g. promotions
# hides the events of statements in reviews whose panel the user sits on.
AuditExclusion = Callable[[User], Q]
_exclusions: list[AuditExclusion] = []


def register_audit_exclusion(exclusion: AuditExclusion) -> AuditExclusion:
    if exclusion not in _exclusions:
        _exclusions.append(exclusion)
    return exclusion


def audit_events_visible_to(user: User) -> QuerySet[AuditEvent]:
    """The trail as the admin site shows it to this user: states, ids and dates only."""
    if not is_program_admin(user):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.all()
    for exclusion in _exclusions:
        events = events.exclude(exclusion(user))
    return events


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def event_digest(
    *, prev_hash: str, occurred_at, actor_id, action, target_type, target_id, ip_address, payload
) -> str:
    body = json.dumps(
        {
            "prev": prev_hash,
            "at": occurred_at.isoformat(),
            "actor": actor_id,
            "action": action,
            "target": [target_type, str(target_id)],
            "ip": ip_address,
            "payload": payload,
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _target_key(target: models.Model | None) -> tuple[str, str]:
    if target is None:
        return "", ""
    return target._meta.label_lower, str(target.pk)


@transaction.atomic
def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    request: HttpRequest | None = None,
    payload: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. The payload must never carry confidential text."""
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    target_type, target_id = _target_key(target)
    event = AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        ip_address=client_ip(request),
        payload=payload or {},
        prev_hash=head.last_hash,
    )
    event.hash = event_digest(
        prev_hash=event.prev_hash,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
        ip_address=event.ip_address,
        payload=event.payload,
    )
    event.save()
    head.last_hash = event.hash
    head.save(update_fields=["last_hash"])
    return event


@dataclass(frozen=True)
class ChainBreak:
    """Where the audit chain stops proving itself."""

    event: AuditEvent | None  # the first event that does not match; None: events are missing
    reason: str

    def __str__(self) -> str:
        if self.event is None:
            return self.reason
        return (
            f"event #{self.event.pk} ({self.event.action}, "
            f"{self.event.occurred_at:%Y-%m-%d %H:%M:%S}): {self.reason}"
        )


def audit_verify() -> ChainBreak | None:
    """Walk the chain oldest first; return where it breaks, else None.

    Each event must hash its content onto its predecessor's hash, and the chain head's last
    hash, read before the walk, must be among the events walked: events removed from the end
    of the chain leave every remaining link intact, so only the head shows they are gone.
    (Events appended during the walk come after that hash and are checked like the rest.)
    """
    head_hash = AuditChainHead.objects.filter(pk=1).values_list("last_hash", flat=True).first()
    reached_head = not head_hash
    prev_hash = ""
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        expected = event_digest(
            prev_hash=prev_hash,
            occurred_at=event.occurred_at,
            actor_id=event.actor_id,
            action=event.action,
            target_type=event.target_type,
            target_id=event.target_id,
            ip_address=event.ip_address,
            payload=event.payload,
        )
        if event.prev_hash != prev_hash or event.hash != expected:
            return ChainBreak(event, "its hash does not match its content or its predecessor")
        reached_head = reached_head or event.hash == head_hash
        prev_hash = event.hash
    if not reached_head:
        return ChainBreak(
            None,
            "the chain ends before the last event recorded in its head: events were removed "
            "from its end",
        )
    return None
