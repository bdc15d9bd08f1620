"""EXPLAIN every participant page's queries and every scoped read against the scale database;
exit 1 when a big table is read with a Seq Scan.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentorship_scale \
        .venv/bin/python -m bench.explain [-v]

-v prints every plan; otherwise only the findings and a summary. --ssd plans with
random_page_cost = 1.1, the setting docs/performance.md recommends for SSD storage ("Running on
more than one machine"; the default, 4, models spinning disks).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    from bench.plans import all_plans
    from promotions.scale import personas

    if connection.vendor != "postgresql":
        print("EXPLAIN checks need PostgreSQL: set DATABASE_URL.", file=sys.stderr)
        return 2
    setup_test_environment()  # the test client's host and an in-memory outbox
    call_command("collectstatic", "--noinput", verbosity=0)  # pages render hashed static names
    verbose = "-v" in argv
    if "--ssd" in argv:
        with connection.cursor() as cursor:
            cursor.execute("SET random_page_cost = 1.1")
    who = personas()
    print(
        f"Personas: mentor {who.mentor.username}, mentee {who.mentee.username}, panel member "
        f"{who.panel_member.username}, supervisor {who.supervisor.username}, review "
        f"{who.review.pk}, pair {who.pair.pk}"
    )
    plans = all_plans(who)
    findings = [plan for plan in plans if plan.seq_scans]
    for plan in plans if verbose else findings:
        marker = "SEQ SCAN " + ", ".join(sorted(plan.seq_scans)) if plan.seq_scans else "ok"
        print(f"\n=== {plan.source}: {marker}\n{plan.sql}\n{plan.plan}")
    sources = {plan.source for plan in plans}
    print(
        f"\n{len(plans)} plans from {len(sources)} pages and scoped reads; "
        f"{len(findings)} with a Seq Scan on a big table."
    )
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
