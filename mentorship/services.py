"""State changes for guidelines, pairs and meetings."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from mentorship import notifications
from mentorship.audit import Action, audit_record
from mentorship.models import Guideline, Meeting, Pair, Program, User
from mentorship.permissions import can_log_meeting, is_program_admin
from mentorship.signals import guideline_published


@transaction.atomic
def guideline_publish(
    *, guideline_id: int, by: User, request: HttpRequest | None = None
) -> Guideline:
    """Give a draft the program's next version number and freeze it."""
    if not is_program_admin(by):
        raise PermissionDenied
    guideline = Guideline.objects.select_for_update().get(pk=guideline_id)
    if guideline.is_published:
        raise ValidationError(f"{guideline} is already published.")
    # Lock the program so two admins publishing at once cannot take the same version number.
    Program.objects.select_for_update().get(pk=guideline.program_id)
    latest = Guideline.objects.filter(program_id=guideline.program_id).aggregate(v=Max("version"))
    guideline.version = (latest["v"] or 0) + 1
    guideline.status = Guideline.Status.PUBLISHED
    guideline.published_at = timezone.now()
    guideline.published_by = by
    guideline.full_clean()
    guideline.save()
    audit_record(
        actor=by,
        action=Action.GUIDELINE_PUBLISHED,
        target=guideline,
        request=request,
        payload={"program": guideline.program_id, "version": guideline.version},
    )
    guideline_published.send(sender=Guideline, guideline=guideline)
    return guideline


@transaction.atomic
def guideline_new_draft(*, source: Guideline, by: User) -> Guideline:
    """Start the next version as a draft copy of an existing one."""
    if not is_program_admin(by):
        raise PermissionDenied
    return Guideline.objects.create(
        program=source.program,
        title=source.title,
        body=source.body,
        clarification=source.clarification,
        qualification=source.qualification,
        expectations=source.expectations,
        acceptable_examples=source.acceptable_examples,
        breach_examples=source.breach_examples,
    )


@transaction.atomic
def pair_save(*, pair: Pair, by: User, request: HttpRequest | None = None) -> Pair:
    """Create or change a pair as a program admin: the one place a pair's status is set.

    A proposed pair with a start date becomes active (Pair.take_start_date), whether the date
    comes with the new pair or later. Every change of status is on the record, because whether
    a pair is active decides whether its mentor may give input in a review. When the pair
    becomes active both members are told: until then they could do nothing on it.
    """
    if not is_program_admin(by):
        raise PermissionDenied
    before = None
    if pair.pk is not None:
        # Locked, so that two admins saving at once both compare with the status they replace.
        before = (
            Pair.objects.select_for_update()
            .filter(pk=pair.pk)
            .values_list("status", flat=True)
            .first()
        )
    pair.full_clean()
    pair.save()
    if pair.status != before:
        audit_record(
            actor=by,
            action=Action.PAIR_STATUS_CHANGED,
            target=pair,
            request=request,
            payload={"from": before, "to": pair.status},
        )
    if pair.is_active and before != Pair.Status.ACTIVE:
        notifications.pair_started(pair=pair)
    return pair


@sensitive_variables()  # confidential text: kept out of error reports
def meeting_record(
    *,
    pair: Pair,
    by: User,
    held_on: datetime.date,
    duration_minutes: int,
    status: str,
    notes: str = "",
) -> Meeting:
    if not can_log_meeting(by, pair):
        raise PermissionDenied
    meeting = Meeting(
        pair=pair,
        held_on=held_on,
        duration_minutes=duration_minutes,
        status=status,
        notes=notes,
        recorded_by=by,
    )
    meeting.full_clean()
    meeting.save()
    return meeting
