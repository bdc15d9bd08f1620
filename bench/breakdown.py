"""Where a page's time goes: Python CPU (of which template rendering, including the queries
template tags run), and the database's planning and execution time, per request of each page
the load bench drives.

    DJANGO_SETTINGS_MODULE=bench.settings \
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentorship_scale \
      .venv/bin/python -m bench.breakdown [--runs 30]

In-process (Django's test client, no HTTP server), as the load bench's users, inside a
transaction rolled back at the end, so the showings the panel page records do not stay.
The database figures come from EXPLAIN ANALYZE of each SELECT the page ran, once more after
the timed runs; on this machine PostgreSQL shares the two cores with gunicorn, so its planning
time is part of what a page costs under load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from contextlib import contextmanager


@contextmanager
def timed_templates(totals: list[float]):
    """Add the CPU time of each outermost template render to totals."""
    from django.template.backends.django import Template

    original = Template.render
    depth = 0

    def render(self, *args, **kwargs):
        nonlocal depth
        depth += 1
        start = time.process_time()
        try:
            return original(self, *args, **kwargs)
        finally:
            depth -= 1
            if depth == 0:
                totals.append(time.process_time() - start)

    Template.render = render
    try:
        yield
    finally:
        Template.render = original


def database_time(sqls: list[str]) -> tuple[float, float]:
    """(planning ms, execution ms) summed over the SELECTs."""
    from django.db import connection

    planning = execution = 0.0
    with connection.cursor() as cursor:
        for sql in sqls:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0][0]
            planning += plan["Planning Time"]
            execution += plan["Execution Time"]
    return planning, execution


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page")
    parser.add_argument("--only", help="only pages whose name contains this")
    args = parser.parse_args(argv)

    from bench.load import REFERENCES, pages  # sets Django up

    plan = pages()
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from mentorship.models import User

    if connection.vendor != "postgresql":
        raise SystemExit("Needs PostgreSQL (EXPLAIN ANALYZE): set DATABASE_URL.")
    rows = []
    with transaction.atomic():
        for page, username, path in plan:
            if args.only and args.only not in page and not page.startswith(REFERENCES):
                continue
            client = Client()
            client.force_login(User.objects.get(username=username))
            for _ in range(3):
                assert client.get(path).status_code == 200, (page, path)  # noqa: S101
            cpu, wall, templates = [], [], []
            with timed_templates(templates):
                for _ in range(args.runs):
                    start_cpu, start_wall = time.process_time(), time.perf_counter()
                    client.get(path)
                    cpu.append(time.process_time() - start_cpu)
                    wall.append(time.perf_counter() - start_wall)
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            # EXECUTE: a prepared SELECT (mentorship.statements.Prepared).
            selects = [
                q["sql"]
                for q in queries.captured_queries
                if q["sql"].startswith(("SELECT", "EXECUTE"))
            ]
            planning, execution = database_time(selects)
            rows.append(
                (
                    page,
                    len(queries.captured_queries),
                    statistics.median(wall) * 1000,
                    statistics.median(cpu) * 1000,
                    statistics.median(templates) * 1000 if templates else 0.0,
                    planning,
                    execution,
                )
            )
        transaction.set_rollback(True)

    print(f"\nPer request, median of {args.runs} (ms); database: EXPLAIN ANALYZE of its SELECTs\n")
    print(
        "| page | queries | wall | Python CPU | of which templates | DB planning | DB execution |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for page, count, wall_ms, cpu_ms, template_ms, planning, execution in rows:
        print(
            f"| {page} | {count} | {wall_ms:.1f} | {cpu_ms:.1f} | {template_ms:.1f} | "
            f"{planning:.1f} | {execution:.1f} |"
        )
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    sys.exit(main(sys.argv[1:]))
