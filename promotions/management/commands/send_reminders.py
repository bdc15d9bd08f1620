"""The one scheduled entry point: every app's reminders, then the daily summaries, then the
emails whose delivery was lost. Idempotent: run it hourly (or daily) from cron or a timer;
each reminder reaches each person at most once per its period however often it runs. The
emails themselves are sent by the worker (`manage.py db_worker`)."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from mentorship.notify import requeue_stale, send_daily_summaries
from mentorship.reminders import send_reminder
from promotions.reminders import ALL

STALE_AFTER = datetime.timedelta(hours=1)


class Command(BaseCommand):
    help = "Send the reminders that are due, the daily summaries, and requeue stale emails."

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        for reminder in ALL:
            sent = send_reminder(reminder, now=now)
            self.stdout.write(f"{reminder.kind}: {sent} sent")
        self.stdout.write(f"daily summaries: {send_daily_summaries(now=now)} sent")
        requeued = requeue_stale(now=now, older_than=STALE_AFTER)
        self.stdout.write(f"stale emails: {requeued} queued again")
