"""Notifications: an inbox entry for every message, and an email the task worker delivers.

`notify` runs inside the transaction of the act it reports. It writes the Notification and, when
the recipient wants the email now, enqueues the task that delivers it. The task queue is
django-tasks with its database backend: the task is a row in the project's own database, written
in that same transaction, so an act is never saved without its message and a message is never
queued for an act that rolled back. The worker (`manage.py db_worker`) sends the email; a failure
is tried again after a growing delay, and after the last attempt the notification is marked
failed, which program admins see (recipient and count, never the message).

Each app's notifications module builds the message from a template that receives only what it
may show: the recipient, who did what kind of hand-off, and where to go. No confidential text.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from mentorship.models import EmailFrequency, Notification, User

logger = logging.getLogger(__name__)

SUMMARY_KIND = "mentorship.daily_summary"


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def retry_delay(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8… minutes after the n-th failure, at most six hours."""
    return datetime.timedelta(minutes=min(2 ** (attempts - 1), 360))


def _email_state(to: User, *, required: bool) -> str:
    if not to.email:
        return Notification.Email.NOT_SENT
    if required or to.email_frequency == EmailFrequency.IMMEDIATELY:
        return Notification.Email.PENDING
    if to.email_frequency == EmailFrequency.DAILY:
        return Notification.Email.DIGEST
    return Notification.Email.NOT_SENT


@transaction.atomic
def notify(
    *,
    to: User,
    kind: str,
    subject: str,
    template: str,
    context: dict,
    link: str,
    required: bool = False,
) -> Notification:
    """Record a message to `to` and queue its email, in the caller's transaction.

    `link` is the relative address of the page the message is about. `required` marks what the
    program needs to reach people even if they turned emails off or chose the daily summary
    (a request for consent, an invitation to give input or an assessment): it is emailed now.
    """
    url = absolute_url(link)
    body = render_to_string(template, {"recipient": to, **context, "url": url, "link": url})
    notification = Notification(
        recipient=to,
        kind=kind,
        subject=subject,
        body=body,
        link=link,
        email=_email_state(to, required=required),
    )
    if notification.email == Notification.Email.PENDING:
        _enqueue(notification)  # the id is chosen in Python: the task can name it before the insert
    notification.save(force_insert=True)
    User.objects.filter(pk=to.pk).update(unread_notifications=F("unread_notifications") + 1)
    return notification


def _enqueue(notification: Notification, *, run_after: datetime.datetime | None = None) -> None:
    """Queue the task that sends `notification`, and note its id on the (unsaved) instance."""
    from mentorship.tasks import deliver_notification

    task = deliver_notification.using(run_after=run_after) if run_after else deliver_notification
    notification.task_id = str(task.enqueue(notification.pk).id)


def deliver(notification_id: int) -> str:
    """Send one notification's email, exactly once however often its task runs.

    The row is locked while the email is sent, so two workers given the same notification (a
    retry and an admin's "try again") cannot both send it. Returns the email state it left.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.email != Notification.Email.PENDING:
            return notification.email if notification else "missing"
        notification.attempts += 1
        try:
            send_mail(
                notification.subject,
                notification.body,
                settings.DEFAULT_FROM_EMAIL,
                [notification.recipient.email],
                fail_silently=False,
            )
        except Exception as error:  # any failure of the mail server is retried
            notification.last_error = type(error).__name__[:100]
            if notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
                notification.email = Notification.Email.FAILED
                notification.next_attempt_at = None
                logger.error(
                    "notification %s: email failed for good after %s attempts (%s)",
                    notification.pk,
                    notification.attempts,
                    notification.last_error,
                )
            else:
                notification.next_attempt_at = timezone.now() + retry_delay(notification.attempts)
                _enqueue(notification, run_after=notification.next_attempt_at)
                logger.warning(
                    "notification %s: email attempt %s failed (%s), next at %s",
                    notification.pk,
                    notification.attempts,
                    notification.last_error,
                    notification.next_attempt_at.isoformat(),
                )
        else:
            notification.email = Notification.Email.SENT
            notification.sent_at = timezone.now()
            notification.next_attempt_at = None
            notification.last_error = ""
        notification.save(
            update_fields=[
                "attempts",
                "email",
                "sent_at",
                "next_attempt_at",
                "last_error",
                "task_id",
            ]
        )
        return notification.email


@transaction.atomic
def try_again(notifications) -> int:
    """A program admin's "try again" for failed emails: each gets a fresh round of attempts."""
    count = 0
    for notification in notifications.select_for_update().undelivered():
        notification.email = Notification.Email.PENDING
        notification.attempts = 0
        notification.last_error = ""
        _enqueue(notification)
        notification.save(update_fields=["email", "attempts", "last_error", "task_id"])
        count += 1
    return count


@transaction.atomic
def requeue_stale(*, now: datetime.datetime, older_than: datetime.timedelta) -> int:
    """Queue again the emails whose task was lost, long after their time.

    A worker killed in the middle of a task leaves its task claimed ("running") for ever, and a
    task row can be pruned; the email then waits with nothing to send it. This finds them (run
    by the scheduled entry point). An email whose task is still waiting for a worker is left
    alone: requeueing it would only make a second task, and burn its attempts twice as fast.
    The row lock in `deliver` keeps a late original from sending twice.
    """
    from django_tasks_db.models import DBTaskResult

    cutoff = now - older_than
    stale = list(
        Notification.objects.select_for_update(skip_locked=True)
        .filter(email=Notification.Email.PENDING, created_at__lt=cutoff)
        .exclude(next_attempt_at__gte=cutoff)
    )
    tasks = {
        str(task_id): (status, started_at)
        for task_id, status, started_at in DBTaskResult.objects.filter(
            id__in=[n.task_id for n in stale if n.task_id]
        ).values_list("id", "status", "started_at")
    }
    count = 0
    for notification in stale:
        status, started_at = tasks.get(notification.task_id, (None, None))
        if status == "READY" or (status == "RUNNING" and started_at and started_at >= cutoff):
            continue  # still on its way
        _enqueue(notification)
        notification.save(update_fields=["task_id"])
        count += 1
    return count


def send_daily_summaries(*, now: datetime.datetime) -> int:
    """One email per person who chose the daily summary, listing what reached their inbox.

    Idempotent: the entries it lists leave the DIGEST state in the same transaction as the
    summary is queued, and nobody gets a second summary within 20 hours.
    """
    recipients = (
        Notification.objects.filter(email=Notification.Email.DIGEST)
        .values_list("recipient", flat=True)
        .distinct()
    )
    sent = 0
    for recipient_id in list(recipients):
        if _summarise(recipient_id, now=now):
            sent += 1
    return sent


@transaction.atomic
def _summarise(recipient_id: int, *, now: datetime.datetime) -> bool:
    recipient = User.objects.select_for_update().get(pk=recipient_id)
    if Notification.objects.filter(
        recipient=recipient, kind=SUMMARY_KIND, created_at__gt=now - datetime.timedelta(hours=20)
    ).exists():
        return False
    entries = list(
        Notification.objects.filter(recipient=recipient, email=Notification.Email.DIGEST).order_by(
            "created_at"
        )
    )
    if not entries:
        return False
    Notification.objects.filter(pk__in=[entry.pk for entry in entries]).update(
        email=Notification.Email.NOT_SENT
    )
    summary = Notification(
        recipient=recipient,
        kind=SUMMARY_KIND,
        subject=f"Your mentoring summary: {len(entries)} new notification"
        + ("s" if len(entries) != 1 else ""),
        body=render_to_string(
            "emails/mentorship/daily_summary.txt",
            {
                "recipient": recipient,
                "entries": [(entry.subject, absolute_url(entry.link)) for entry in entries],
                "inbox": absolute_url("/inbox/"),
            },
        ),
        link="/inbox/",
        in_inbox=False,
        email=Notification.Email.PENDING if recipient.email else Notification.Email.NOT_SENT,
        created_at=now,
    )
    if summary.email == Notification.Email.PENDING:
        _enqueue(summary)
    summary.save(force_insert=True)
    return True


@transaction.atomic
def mark_read(*, user: User, notification_ids=None) -> int:
    """Mark the user's own notifications read (all unread ones when no ids are given)."""
    unread = Notification.objects.inbox_of(user).filter(read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    count = unread.update(read_at=timezone.now())
    if count:
        # Recounted rather than decremented, so the figure heals if it ever drifted.
        fresh = Notification.objects.inbox_of(user).filter(read_at__isnull=True).count()
        User.objects.filter(pk=user.pk).update(unread_notifications=fresh)
        user.unread_notifications = fresh
    return count
