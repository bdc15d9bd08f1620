"""How the key operations' time and memory grow with the data: run against databases seeded at
two sizes and compare.

    export DJANGO_SETTINGS_MODULE=bench.settings PG=postgres://postgres@127.0.0.1:5432
    DATABASE_URL=$PG/mentorship_perf  .venv/bin/python -m bench.growth   # 5,000 users
    DATABASE_URL=$PG/mentorship_scale .venv/bin/python -m bench.growth   # 50,000 users

Each operation runs as the personas of promotions.scale.personas() (the same roles at every
size), inside a transaction that is rolled back, so the data set does not change. Reported per
operation: the median wall time and process CPU time over --runs runs, and the peak of Python
memory allocated during one run (tracemalloc).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable


def operations(p) -> dict[str, Callable[[], Callable[[], object]]]:
    """name -> a callable doing the operation once (inside the caller's transaction); set up
    (logins, lookups) happens here, before any timing."""
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from agreements.models import Agreement
    from agreements.services import _agreement_sign_locked, agreement_propose
    from mentorship.selectors import attention_for
    from promotions.models import Statement
    from promotions.program_dashboard import count_figures
    from promotions.services import consent_grant, text_sha256

    def page(user, url: str) -> Callable[[], object]:
        """A GET by a logged-in user whose session is already stamped (not timed)."""
        client = Client()
        client.force_login(user)
        client.get(reverse("mentorship:health"))
        client.get(reverse("bench-baseline"))

        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)  # noqa: S101
            return response

        return get

    def cached_page(user, url: str) -> Callable[[], object]:
        get = page(user, url)
        get()  # counts and caches the figures (rolled back with the run)
        return get

    def sign() -> Agreement:
        """Propose new terms and both sign them (the password check is left out: it is a
        fixed cost of the password hasher, the same at every size)."""
        proposal = agreement_propose(
            pair_id=p.pair.pk,
            by=p.mentor,
            confidentiality_scope=Agreement.Scope.AGREED_EXCEPTIONS,
            allows_promotion_participation=True,
            allows_advocacy=True,
            allows_engagement=True,
            exceptions=f"Growth bench {time.monotonic_ns()}.",
        )
        for person in (p.mentor, p.mentee):
            _agreement_sign_locked(
                agreement_id=proposal.pk,
                signer=person,
                typed_name=person.get_full_name(),
                text_sha256=proposal.text_sha256,
            )
        return proposal

    awaiting = Statement.objects.filter(
        review=p.review, pair=p.pair, state=Statement.State.AWAITING_CONSENT
    ).first()

    def consent() -> Statement:
        return consent_grant(
            statement_id=awaiting.pk, mentee=p.mentee, text_sha256_seen=text_sha256(awaiting.text)
        )

    review_url = reverse("promotions:review", args=[p.review.pk])
    consent_url = reverse("promotions:consent", args=[p.review.pk])
    return {  # name -> set-up, which returns the operation to time
        "sign (propose + 2 signatures)": lambda: sign,
        "consent (grant)": lambda: consent,
        "review page (panel, GET)": lambda: page(p.panel_member, review_url),
        "dashboard (mentor, GET)": lambda: page(p.mentor, reverse("mentorship:dashboard")),
        # The first page of the list, as the dashboard reads it (20 shown + 1 to know of a next).
        "dashboard attention items (mentor)": lambda: lambda: attention_for(p.mentor)[0:21],
        "consent page (mentee, GET)": lambda: page(p.mentee, consent_url),
        "pair page (mentor, GET)": lambda: page(
            p.mentor, reverse("mentorship:pair", args=[p.pair.pk])
        ),
        # Counting the figures is what a cache miss costs (once per DJANGO_PROGRAM_DASHBOARD_
        # MAX_AGE, for every viewer); the page is measured with the figures cached.
        "program dashboard: counting the figures": lambda: (
            lambda: count_figures(today=timezone.localdate(), key="growth")
        ),
        "program dashboard (admin, GET, cached)": lambda: cached_page(
            p.program_admin, reverse("mentorship:program_dashboard")
        ),
    }


def measure(name: str, build, runs: int) -> dict:
    from django.db import transaction

    walls, cpus = [], []
    for _ in range(runs + 1):  # the first run warms up
        with transaction.atomic():
            operation = build()[name]()
            gc.collect()
            wall, cpu = time.perf_counter(), time.process_time()
            operation()
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
            transaction.set_rollback(True)
    with transaction.atomic():
        operation = build()[name]()
        gc.collect()
        tracemalloc.start()
        operation()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        transaction.set_rollback(True)
    return {
        "operation": name,
        "wall_ms": statistics.median(walls[1:]),
        "cpu_ms": statistics.median(cpus[1:]),
        "peak_kib": peak / 1024,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Time and memory of the key operations.")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from agreements.models import Agreement, Signature
    from mentorship.models import AuditEvent, Pair, User
    from promotions.models import PromotionReview, Statement, StatementView
    from promotions.scale import personas

    setup_test_environment()
    p = personas()
    sizes = {
        "users": User.objects.count(),
        "pairs": Pair.objects.count(),
        "agreements": Agreement.objects.count(),
        "signatures": Signature.objects.count(),
        "reviews": PromotionReview.objects.count(),
        "statements": Statement.objects.count(),
        "statement views": StatementView.objects.count(),
        "audit events": AuditEvent.objects.count(),
    }
    print(
        f"Database {connection.settings_dict['NAME']}: "
        + ", ".join(f"{n} {what}" for what, n in sizes.items())
    )
    results = []
    for name in operations(p):
        runs = 3 if "counting" in name else args.runs
        result = measure(name, lambda: operations(p), runs)
        results.append(result)
        print(
            f"  {name:<36} wall {result['wall_ms']:8.1f} ms  cpu {result['cpu_ms']:8.1f} ms  "
            f"peak {result['peak_kib']:8.0f} KiB",
            flush=True,
        )
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"sizes": sizes, "results": results}, handle, indent=2)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    sys.exit(main(sys.argv[1:]))
