"""Is the audit trail's chain-head lock the leadership page's ceiling?

Every panel page view appends one event to the confidential audit chain, and every writer first
locks that chain's head row (mentorship/audit.py), so all instances queue on one row. This
starts two gunicorn instances (bench/instances.py) on the scale database, logs in eight panel
members of different open reviews, and has eight clients (one thread each, alternating between
the instances) open their review's panel page as fast as they can. It prints requests/s,
p50/p99, and how long requests waited for the lock, sampled from pg_stat_activity: every few
milliseconds it counts the backends blocked on a lock while running the head's
SELECT ... FOR UPDATE. The mean number of such waiters times the run's length is the total time
spent waiting (Little's law); divided by the requests, the mean wait per request.

    DJANGO_SETTINGS_MODULE=bench.settings \
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentorship_scale \
      .venv/bin/python -m bench.chain_lock [--duration 20] [--clients 8] [--workers 1]

The same run against the bench's "writes alone" page (the showings and the audit event, no
page) says how fast the writes could go: if the lock were the ceiling, the page could not go
faster than that, and requests would spend a large share of their time waiting for it.
Writes to the scale database for real (showings and audit events), as the load bench does.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
import urllib.error

LOCK_QUERY = "%auditchainhead%FOR UPDATE%"


def panel_members(count: int) -> list[tuple[str, int]]:
    """(username, review id) of `count` panel members, each of another open review with
    shared input, never the load bench's consent-page review: every view here records
    showings, and that page lists them (a run once left 10,000 on it, and the consent page
    measured 3.1-3.4x the layout instead of 2.3-2.5x)."""
    import django

    django.setup()
    from promotions.models import PanelSeat, PromotionReview, Statement
    from promotions.scale import personas

    reviews = (
        Statement.objects.filter(
            state=Statement.State.SHARED, review__status=PromotionReview.Status.OPEN
        )
        .exclude(review=personas().review)
        .order_by("review_id")
        .values_list("review_id", flat=True)
        .distinct()[: count * 4]
    )
    chosen: list[tuple[str, int]] = []
    seen_users: set[int] = set()
    for review_id in reviews:
        seat = (
            PanelSeat.objects.filter(review_id=review_id)
            .exclude(user_id__in=seen_users)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if seat is None:
            continue
        seen_users.add(seat.user_id)
        chosen.append((seat.user.username, review_id))
        if len(chosen) == count:
            return chosen
    raise SystemExit(f"Only {len(chosen)} open reviews with shared input and a panel.")


class LockSampler(threading.Thread):
    """Counts, every `interval` seconds, the backends waiting for a lock in the chain head's
    SELECT ... FOR UPDATE, and those running anything at all (to tell waiting from working)."""

    def __init__(self, database_url: str, interval: float = 0.005) -> None:
        super().__init__(daemon=True)
        self.database_url = database_url
        self.interval = interval
        self.samples = 0
        self.waiting = 0
        self.samples_with_waiter = 0
        self.max_waiting = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        import psycopg2

        connection = psycopg2.connect(self.database_url)
        connection.autocommit = True
        with connection.cursor() as cursor:
            while not self.stopped.is_set():
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND state = 'active' AND wait_event_type = 'Lock' AND query ILIKE %s",
                    [LOCK_QUERY],
                )
                waiting = cursor.fetchone()[0]
                self.samples += 1
                self.waiting += waiting
                self.samples_with_waiter += waiting > 0
                self.max_waiting = max(self.max_waiting, waiting)
                time.sleep(self.interval)
        connection.close()

    @property
    def mean_waiting(self) -> float:
        return self.waiting / self.samples if self.samples else 0.0


def drive(urls: list[str], browsers, duration: float) -> tuple[list[float], int]:
    """Each client requests its URL in a loop until `duration` is over; latencies in ms."""
    latencies: list[list[float]] = [[] for _ in urls]
    errors = [0] * len(urls)
    deadline = time.monotonic() + duration

    def client(n: int) -> None:
        while time.monotonic() < deadline:
            start = time.perf_counter()
            try:
                browsers[n].get(urls[n])
            except (urllib.error.URLError, OSError):
                errors[n] += 1
                continue
            latencies[n].append((time.perf_counter() - start) * 1000)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(len(urls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [ms for each in latencies for ms in each], sum(errors)


def measure(name, urls, browsers, *, duration, warmup, database_url) -> dict:
    drive(urls, browsers, warmup)
    sampler = LockSampler(database_url)
    sampler.start()
    start = time.monotonic()
    latencies, errors = drive(urls, browsers, duration)
    elapsed = time.monotonic() - start
    sampler.stopped.set()
    sampler.join()
    latencies.sort()
    count = len(latencies)
    waited_ms = sampler.mean_waiting * elapsed * 1000
    return {
        "page": name,
        "requests": count,
        "errors": errors,
        "rps": count / elapsed,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p99": latencies[min(count - 1, int(count * 0.99))] if latencies else float("nan"),
        "mean_latency": statistics.fmean(latencies) if latencies else float("nan"),
        "mean_waiting": sampler.mean_waiting,
        "share_with_waiter": sampler.samples_with_waiter / max(sampler.samples, 1),
        "max_waiting": sampler.max_waiting,
        "wait_per_request": waited_ms / count if count else float("nan"),
        "samples": sampler.samples,
    }


def lock_hold_ms(review_id: int, viewer_username: str, runs: int = 200) -> tuple[float, float]:
    """(median, p90) ms that one audit event holds the chain head, in process and uncontended:
    its transaction from the SELECT ... FOR UPDATE to the COMMIT that releases the lock. One
    over it is the most events per second the lock lets through, whatever the CPUs."""
    from django.db import transaction

    from mentorship.audit import Action, audit_record
    from mentorship.models import User
    from promotions.models import PromotionReview

    review = PromotionReview.objects.get(pk=review_id)
    viewer = User.objects.get(username=viewer_username)
    payload = {"review": review.pk, "statements": [1] * 10, "sha256": ["0" * 64] * 10}
    held = []
    for _ in range(runs):
        start = time.perf_counter()
        with transaction.atomic():
            audit_record(
                actor=viewer, action=Action.STATEMENTS_SHOWN, target=review, payload=payload
            )
        held.append((time.perf_counter() - start) * 1000)
    held.sort()
    return statistics.median(held), held[int(len(held) * 0.9)]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=20, help="seconds per page")
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers per instance")
    args = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        raise SystemExit("Needs PostgreSQL: set DATABASE_URL.")

    members = panel_members(args.clients)
    hold_p50, hold_p90 = lock_hold_ms(members[0][1], members[0][0])
    from django.urls import reverse

    from bench.instances import Browser, instances
    from promotions.scale import PASSWORD

    with instances(2, database_url=database_url, workers=args.workers) as started:
        browsers, pages, writes = [], [], []
        for n, (username, review_id) in enumerate(members):
            base = started[n % 2].url
            browser = Browser()
            browser.login(base, username, PASSWORD)
            browsers.append(browser)
            pages.append(base + reverse("promotions:review", args=[review_id]))
            writes.append(base + reverse("bench-panel-writes", args=[review_id]))
        results = [
            measure(
                name,
                urls,
                browsers,
                duration=args.duration,
                warmup=args.warmup,
                database_url=database_url,
            )
            for name, urls in (
                ("leadership review page", pages),
                ("leadership review page's writes alone", writes),
            )
        ]

    print(
        f"\nChain-head lock: 2 instances x {args.workers} gunicorn worker(s), "
        f"{args.clients} clients, {args.duration:.0f} s per page, {os.cpu_count()} CPUs\n"
    )
    print(
        "| page | requests/s | p50 (ms) | p99 (ms) | mean (ms) | waiting on the lock: "
        "mean backends | share of samples | max | mean wait per request (ms) | errors |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['page']} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p99']:.1f} | "
            f"{r['mean_latency']:.1f} | {r['mean_waiting']:.3f} | "
            f"{r['share_with_waiter']:.1%} | {r['max_waiting']} | "
            f"{r['wait_per_request']:.2f} | {r['errors']} |"
        )
    print(f"\n({results[0]['samples']} pg_stat_activity samples in the page's run)")
    print(
        f"One audit event holds the chain head {hold_p50:.2f} ms (median; p90 {hold_p90:.2f} ms), "
        f"in process and uncontended: the lock alone would let about {1000 / hold_p50:.0f} "
        "leadership page views a second through."
    )
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    sys.exit(main(sys.argv[1:]))
