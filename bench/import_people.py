"""Bulk onboarding at company size: a 50,000-row people file and a pairs file, imported through
the admin's own resource code (mentorship/imports.py), dry run then real, then the same file
again (every row unchanged).

    # SQLite, a fresh database file each run:
    .venv/bin/python -m bench.import_people
    # PostgreSQL (the database is emptied first, then migrated):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentorship_t_import_bench \\
        .venv/bin/python -m bench.import_people

Per phase it prints the wall time, the queries run and the process's peak resident memory so
far (resource.getrusage ru_maxrss: it only grows, so a phase's figure is the peak up to its
end). The row limit of the admin's upload (settings.IMPORT_MAX_ROWS) does not apply here.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time


def people_csv(rows: int) -> str:
    departments = ["Engineering", "Sales", "Finance", "Operations", "Legal", "People"]
    lines = ["email,full_name,department,manager_email,supervisor_email"]
    for i in range(rows):
        # Managers come earlier in the file: person i reports to person i // 10.
        boss = f"person{i // 10}@bench.example" if i else ""
        lines.append(
            f"person{i}@bench.example,Person {i},{departments[i % len(departments)]},{boss},{boss}"
        )
    return "\n".join(lines) + "\n"


def pairs_csv(rows: int, program: str) -> str:
    lines = ["mentor_email,mentee_email,program,start_date"]
    for i in range(rows):
        lines.append(
            f"person{2 * i}@bench.example,person{2 * i + 1}@bench.example,{program},2026-01-15"
        )
    return "\n".join(lines) + "\n"


class QueryCounter:
    """Counts queries without keeping them (50,000 rows make hundreds of thousands)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __len__(self) -> int:
        return self.count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--pairs", type=int, default=25_000)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        path = os.path.join(tempfile.mkdtemp(prefix="import-bench-"), "bench.sqlite3")
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from import_export.formats.base_formats import CSV

    from mentorship.imports import PairResource, PersonResource, import_report
    from mentorship.models import Program, User
    from mentorship.roles import PROGRAM_ADMINS_GROUP

    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)

    admin = User.objects.create_user("bench-admin", "admin@bench.example", None, is_staff=True)
    admin.full_name = "Bench Admin"
    admin.save()
    admin.groups.add(Group.objects.get(name=PROGRAM_ADMINS_GROUP))
    program = Program.objects.create(name="Company Mentoring")

    print(f"database: {connection.vendor}; people rows: {args.people:,}; pair rows: {args.pairs:,}")
    files = {
        "people": (PersonResource, people_csv(args.people)),
        "pairs": (PairResource, pairs_csv(args.pairs, program.name)),
    }
    for name, (resource_class, text) in files.items():
        print(f"{name} file: {len(text.encode()) / 2**20:.1f} MB")
        for phase, dry_run in (("dry run", True), ("import", False), ("again", False)):
            queries = QueryCounter()
            start = time.perf_counter()
            with connection.execute_wrapper(queries):
                # As the admin does: parse the uploaded text, then import it.
                dataset = CSV(encoding="utf-8-sig").create_dataset(text)
                result = resource_class(row_limit=None).import_data(
                    dataset, dry_run=dry_run, user=admin
                )
            elapsed = time.perf_counter() - start
            report = import_report(result, resource_class)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            counts = ", ".join(f"{k} {v:,}" for k, v in report.counts.items() if v)
            print(
                f"  {phase:8} {elapsed:7.1f} s  {len(queries):>8,} queries  "
                f"peak RSS {peak:6.0f} MB  ({counts}{'; ' if report.file_errors else ''}"
                f"{' '.join(report.file_errors)})"
            )
    print(f"users: {User.objects.count():,}")


if __name__ == "__main__":
    main()
