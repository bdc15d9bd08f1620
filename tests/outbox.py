"""Running the notification worker inside a test: the same worker loop `manage.py db_worker`
runs, in batch mode, in this process and transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.core import mail
from django_tasks_db.management.commands.db_worker import Worker


def run_worker() -> None:
    """Run every task that is due now (retries scheduled later stay queued), then return."""
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
    # Between tasks the worker closes connections past their age (CONN_MAX_AGE 0: every one),
    # and a real worker reconnects. Here the connection holds the test's transaction, and
    # closing it would end the test on PostgreSQL (SQLite's in-memory database ignores it).
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        worker.run()


@contextmanager
def deliver_after() -> Iterator[None]:
    """Leave in mail.outbox exactly the emails of what the block does, as the worker sends them.

    What earlier steps (fixtures, setup) queued is delivered first and dropped, so it cannot be
    mistaken for the block's; then the worker runs once more after the block.
    """
    run_worker()
    mail.outbox.clear()
    yield
    run_worker()


def delivered_to(user) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]
