"""Running the notification worker inside a test: the same worker loop `manage.py db_worker`
runs, in batch mode, in this process and transaction."""

from __future__ import annotations

from unittest import mock

from django.core import mail
from django_tasks_db.management.commands.db_worker import Worker


def run_worker() -> None:
    """Run every task that is due now (retries scheduled later stay queued), then return.

    The worker's connection hygiene is switched off: a long-lived worker closes connections
    older than CONN_MAX_AGE, which under a travelling test clock would close the connection that
    holds the test's transaction.
    """
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    ):
        worker.run()


def delivered_to(user) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]
