"""Background tasks, run by the worker (`manage.py db_worker`): see mentorship/notify.py."""

from __future__ import annotations

from django_tasks import task

from mentorship import notify


@task()
def deliver_notification(notification_id: int) -> str:
    return notify.deliver(notification_id)
