"""Load a large data set (50,000 users by default) for query budgets, EXPLAIN and load tests."""

from __future__ import annotations

import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from promotions import scale


class Command(BaseCommand):
    help = (
        "Bulk-load a large, consistent data set: N users and, in proportion, pairs, meetings, "
        "signed agreements, reviews, statements in every state and the audit trail. Every user's "
        f"password is '{scale.PASSWORD}'. Refuses to run with DEBUG off unless --force is given, "
        "and refuses a second run on the same database unless --append is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=scale.BASE_USERS, help="default 50000")
        parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
        parser.add_argument(
            "--batch-size", type=int, default=scale.BATCH_SIZE, help="rows per INSERT"
        )
        parser.add_argument(
            "--append",
            action="store_true",
            help="The database already holds scale data: add one more batch of the same kind "
            "(new users scale<batch>-NNNNNN, new programs, pairs, reviews...).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=f"Run even with DEBUG off (every seeded user gets the password "
            f"'{scale.PASSWORD}').",
        )

    def handle(
        self, *args, users: int, seed: int, batch_size: int, append: bool, force: bool, **options
    ):
        if not settings.DEBUG and not force:
            raise CommandError(
                f"seed_scale creates {users} users with the password '{scale.PASSWORD}'. It "
                "refuses to run with DEBUG off; pass --force if you really mean it."
            )
        if users < 20:
            raise CommandError("--users must be at least 20.")
        batches = scale.existing_batches()
        if batches and not append:
            raise CommandError(
                f"This database already holds seed_scale data (batch{'es' * (len(batches) > 1)} "
                f"{', '.join(map(str, batches))}). Nothing was changed. Pass --append to add "
                "another batch next to it, or load into an empty database."
            )
        batch = max(batches, default=0) + 1
        plan = scale.Plan(users)
        self.stdout.write(
            f"Seeding batch {batch}: {users} users, {plan.pairs} pairs, {plan.reviews} reviews, "
            f"{plan.statements} statements (password '{scale.PASSWORD}') "
            f"into {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}..."
        )
        started = time.monotonic()
        summary = scale.seed(
            users, batch=batch, seed=seed, progress=self._progress, batch_size=batch_size
        )
        elapsed = time.monotonic() - started
        self.stdout.write("")
        for name, count in summary.counts.items():
            self.stdout.write(f"  {name:<24} {count:>9}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Batch {batch} loaded in {elapsed:.0f} s. Logins: scale{batch}-000000 ... "
                f"scale{batch}-{users - 1:06d} and scale{batch}-admin (program admin), password "
                f"'{scale.PASSWORD}'."
            )
        )

    _last_line = ""

    def _progress(self, label: str, done: int, total: int) -> None:
        """A plain progress bar: redrawn in place on a terminal, one line per step otherwise."""
        width = 30
        filled = width * done // total if total else width
        line = f"{label:<24} [{'#' * filled}{'.' * (width - filled)}] {done:>9}/{total}"
        if self.stdout.isatty():
            self.stdout.write("\r" + line, ending="")
            if done >= total:
                self.stdout.write("")
            self.stdout.flush()
        elif done >= total:
            self.stdout.write(line)
            sys.stdout.flush()
