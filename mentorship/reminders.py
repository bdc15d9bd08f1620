"""Reminders: a nudge, in the inbox and by email, to someone whose step is overdue.

Each app declares its reminders (`REMINDERS` in its reminders module); `manage.py
send_reminders` (promotions, which sees every app) runs them all. A reminder's `find(now)`
yields what is due at `now`, in a fixed number of queries whatever the number of rows, each
with the moment it first became due. From that moment the reminder repeats once per `period`,
for as long as `find` still yields it (it stops once the person acted or may no longer see the
object).

Idempotence lives in the database: every reminder sent is a ReminderSent row for (recipient,
kind, target, start of the period), unique, written in the transaction of its notification.
Running the command twice, or every hour, finds the row and sends nothing; two runs at once
collide on the constraint and the second rolls back its notification. When the moment a
reminder became due moves later (a meeting logged, the oldest of several requests answered),
its periods move too; the previous period's row still holds the next one back for a whole
period, so nobody hears of the same thing twice within a period.

Reminders say who waits for what and link to the page, never confidential text: the context a
reminder yields is names, roles, counts and dates only.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from mentorship.models import Pair, ReminderSent, User
from mentorship.notify import notify
from mentorship.selectors import meetings_overdue_from, with_last_held

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Due:
    """One reminder owed to one person about one object."""

    recipient: User
    target: str  # a key such as "pair:12": the object, never its content
    link: str  # relative URL of the page where the person acts
    context: dict  # names, roles, counts only: the template and the subject read it
    due_at: datetime.datetime  # when it first became due; periods count from here
    every: datetime.timedelta | None = None  # this object's own period, else the reminder's


@dataclass(frozen=True)
class Reminder:
    kind: str
    period: datetime.timedelta  # how often it repeats (a Due may bring its own)
    subject: str  # formatted with the context
    template: str
    find: Callable[[datetime.datetime], Iterable[Due]] = field(repr=False)


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight of `day` in the site's time zone: when a date-based reminder becomes due."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_default_timezone())


def period_start(due_at: datetime.datetime, *, now: datetime.datetime, period) -> datetime.datetime:
    """The start of the period `now` falls in, periods counted from `due_at`."""
    return due_at + ((now - due_at) // period) * period


def send_reminder(reminder: Reminder, *, now: datetime.datetime) -> int:
    """Send what `reminder` finds due at `now` and has not sent in this period. Returns how many."""
    return send_dues(reminder, reminder.find(now), now=now)


def send_dues(reminder: Reminder, dues: Iterable[Due], *, now: datetime.datetime) -> int:
    """Send these reminders of `reminder`'s kind, each at most once per its period: the
    scheduled run sends what `find` yields; a program admin's "remind them" sends what the list
    on her page yields (promotions/program_lists.py), under the same ReminderSent rows, so a
    second click, or the hourly run after it, sends nothing new. Returns how many were sent."""
    dues = [due for due in dues if due.due_at <= now and due.recipient.is_active]
    if not dues:
        return 0
    longest = max(due.every or reminder.period for due in dues)
    # The latest period each (recipient, target) was reminded in, read once for the whole run:
    # anything sent within the last two periods may hold back the present one.
    latest: dict[tuple[int, str], datetime.datetime] = {
        (row["recipient_id"], row["target"]): row["latest"]
        for row in ReminderSent.objects.filter(
            kind=reminder.kind, period_start__gt=now - 2 * longest
        )
        .values("recipient_id", "target")
        .annotate(latest=Max("period_start"))
        .order_by()
    }
    sent = 0
    for due in dues:
        every = due.every or reminder.period
        start = period_start(due.due_at, now=now, period=every)
        previous = latest.get((due.recipient.pk, due.target))
        if previous is not None and previous > start - every:
            continue
        if _send(reminder, due, start=start, now=now):
            sent += 1
    return sent


def _send(reminder: Reminder, due: Due, *, start: datetime.datetime, now) -> bool:
    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                recipient=due.recipient,
                kind=reminder.kind,
                target=due.target,
                period_start=start,
                sent_at=now,
            )
            notify(
                to=due.recipient,
                kind=reminder.kind,
                subject=reminder.subject.format(**due.context),
                template=reminder.template,
                context=due.context,
                link=due.link,
            )
    except IntegrityError:
        # Another run sent this very reminder for this period first.
        logger.info("reminder %s to %s: already sent by another run", reminder.kind, due.target)
        return False
    return True


# --- This app's reminders ----------------------------------------------------------------------


def _meetings_overdue(now: datetime.datetime) -> Iterator[Due]:
    """Both members of an active pair that has not met for longer than the dashboard allows
    (selectors.meetings_overdue_from, the one definition of "overdue")."""
    return meetings_overdue_dues(Pair.objects.active(), now)


def meetings_overdue_dues(pairs, now: datetime.datetime) -> Iterator[Due]:
    """The meeting reminders owed about these pairs at `now` (only those overdue)."""
    today = timezone.localtime(now).date()
    pairs = with_last_held(pairs.select_related("mentor", "mentee")).order_by("pk")
    for pair in pairs:
        overdue_from = meetings_overdue_from(pair)
        if overdue_from is None:
            # Active but never started nor met: count from when the pair was made.
            overdue_from = timezone.localtime(pair.created_at).date() + datetime.timedelta(
                days=2 * pair.cadence_days + 1
            )
        if today < overdue_from:
            continue
        link = reverse("mentorship:pair", args=[pair.pk]) + "#meetings"
        for member in (pair.mentor, pair.mentee):
            yield Due(
                recipient=member,
                target=f"pair:{pair.pk}",
                link=link,
                context={
                    "partner": str(pair.other_member(member)),
                    "cadence": pair.get_cadence_days_display().lower(),
                },
                due_at=start_of_day(overdue_from),
                every=datetime.timedelta(days=pair.cadence_days),
            )


MEETINGS_OVERDUE = Reminder(
    kind="mentorship.reminder_meetings_overdue",
    # Each pair's reminder repeats at the pair's own cadence (Due.every).
    period=datetime.timedelta(days=Pair.Cadence.FORTNIGHTLY),
    subject="Reminder: time to meet {partner}",
    template="emails/mentorship/reminder_meetings_overdue.txt",
    find=_meetings_overdue,
)

REMINDERS: tuple[Reminder, ...] = (MEETINGS_OVERDUE,)
