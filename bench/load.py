"""Drive the key pages of a running server with wrk, as logged-in users, and compare each page
with the baseline page (bench/urls.py) measured in the same run.

Run through bench/run.sh, which starts gunicorn on the scale database first. By hand:

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=... .venv/bin/python -m bench.load \
        --base-url http://127.0.0.1:8100 --duration 20 --connections 4

Each persona logs in through the real login form (password scale.PASSWORD); wrk then sends
that session cookie. Every page is checked to answer 200 with the cookie before it is measured,
and a run with any non-2xx/3xx answer is reported as failed.
"""

from __future__ import annotations

import argparse
import datetime
import http.cookiejar
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass

# Issue 17's budgets: CPU per request (the server's Python and this database's PostgreSQL
# backends) against the empty page in the site's layout, measured in the same run.
LAYOUT = "site layout, empty page"
CPU_BUDGET = {"leadership review page": 4.0}
DEFAULT_CPU_BUDGET = 3.0
TARGET_P99_MS = 100.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Measured in every run, whatever --only says: the baseline and the empty page in the layout.
REFERENCES = ("baseline", "site layout", "mentor dashboard from", "leadership review page's")
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class Result:
    page: str
    url: str
    user: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    cpu_ms: float = 0.0
    machine_cpu_ms: float = 0.0
    cpu_ratio: float = 0.0

    @property
    def is_reference(self) -> bool:
        return self.url.startswith("/bench/")

    @property
    def budget(self) -> float:
        return CPU_BUDGET.get(self.page, DEFAULT_CPU_BUDGET)

    def misses(self) -> list[str]:
        """What this page misses of its budget, in words (empty when it meets it)."""
        missed = []
        if self.cpu_ratio > self.budget:
            missed.append(f"CPU {self.cpu_ratio:.1f}x the layout row (budget {self.budget:g}x)")
        if self.p99_ms >= TARGET_P99_MS:
            missed.append(f"p99 {self.p99_ms:.0f} ms (budget {TARGET_P99_MS:.0f} ms)")
        if self.errors:
            missed.append(f"{self.errors} failed requests")
        return missed


def _cpu_ticks(pid: int) -> int:
    """User + system CPU ticks of one process (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)


def server_processes(server_pid: int | None, database: str) -> list[int]:
    """The gunicorn workers (children of the master) and this database's PostgreSQL backends.

    Backends live as long as the server's persistent connections (DATABASE_CONN_MAX_AGE), so
    their CPU between two readings is the pages' database work; other databases' backends
    (another project's tests, say) are not counted.
    """
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                cmdline = handle.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        is_worker = server_pid is not None and ppid == server_pid
        is_backend = cmdline.startswith("postgres:") and f" {database} " in cmdline
        if is_worker or is_backend:
            pids.append(int(entry))
    return pids


def machine_cpu_ms() -> float:
    """Busy CPU time of the whole machine (every process and the kernel, wrk included)."""
    with open("/proc/stat") as handle:
        fields = [int(value) for value in handle.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) * 1000 / CLOCK_TICKS


def cpu_ticks(server_pid: int | None, database: str) -> dict[int, int]:
    """CPU ticks so far of each server process (pid -> ticks)."""
    return {pid: _cpu_ticks(pid) for pid in server_processes(server_pid, database)}


def cpu_ms_between(before: dict[int, int], after: dict[int, int]) -> tuple[float, int]:
    """CPU spent between two readings, and how many processes exited in between (their CPU
    since the first reading is lost, so the figure would be low: bench/run.sh keeps database
    connections open for the whole run, and gunicorn recycles no worker)."""
    spent = sum(ticks - before.get(pid, 0) for pid, ticks in after.items())
    return spent * 1000 / CLOCK_TICKS, len(before.keys() - after.keys())


def login(base_url: str, username: str, password: str) -> str:
    """Log in through the login form; return the Cookie header for wrk."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_url = f"{base_url}/accounts/login/"
    page = opener.open(login_url, timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - http(s) base URL given by the operator
        login_url, data=body, headers={"Referer": login_url}
    )
    opener.open(request, timeout=30).read()
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        raise SystemExit(f"Login failed for {username}: no session cookie.")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def check(base_url: str, path: str, cookie: str) -> None:
    """The page answers 200 to this session (not a redirect to the login page)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(base_url + path, headers={"Cookie": cookie})  # noqa: S310
    try:
        status = opener.open(request, timeout=60).status
    except urllib.error.HTTPError as exc:
        status = exc.code
    if status != 200:
        raise SystemExit(f"{path} answered {status} for this session; fix that before measuring.")


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def wrk(url: str, cookie: str, *, duration: int, connections: int, threads: int) -> dict:
    output = subprocess.run(  # noqa: S603 - our own arguments, no shell
        [
            shutil.which("wrk"),
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "--timeout",
            "10s",
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)$", output, re.MULTILINE)
    timeouts = re.search(r"timeout (\d+)", socket_errors.group(1)) if socket_errors else None
    # No latency figures when nothing completed within --timeout: report those as infinite.
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": _ms(percentiles["50"]) if "50" in percentiles else float("inf"),
        "p99_ms": _ms(percentiles["99"]) if "99" in percentiles else float("inf"),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "errors": (int(errors.group(1)) if errors else 0)
        + (int(timeouts.group(1)) if timeouts else 0),
        "socket_errors": socket_errors.group(1) if socket_errors else "",
        "raw": output,
    }


def pages() -> list[tuple[str, str, str]]:
    """(page, username, path) for the baseline and the key pages, from the scale data set."""
    import django

    django.setup()
    from django.urls import reverse

    from promotions.models import PromotionReview, Statement
    from promotions.scale import personas

    who = personas()
    # The panel page records every showing, so hammering one review piles up thousands of
    # showings no real review gets; the consent page (which lists them) is measured on the
    # personas' review and the panel page on the next open review with shared input.
    other = (
        Statement.objects.filter(
            state=Statement.State.SHARED, review__status=PromotionReview.Status.OPEN
        )
        .exclude(review=who.review)
        .select_related("review")
        .order_by("review_id")
        .first()
        .review
    )
    panel_member = other.seats.select_related("user").order_by("pk").first().user
    return [
        ("baseline (trivial page)", who.mentor.username, reverse("bench-baseline")),
        ("site layout, empty page", who.mentor.username, reverse("bench-layout")),
        (
            "mentor dashboard from a per-person cache (not built)",
            who.mentor.username,
            reverse("bench-cached-dashboard"),
        ),
        ("mentor dashboard", who.mentor.username, reverse("mentorship:dashboard")),
        ("pair page", who.mentor.username, reverse("mentorship:pair", args=[who.pair.pk])),
        (
            "agreement page",
            who.mentor.username,
            reverse("agreements:detail", args=[who.agreement.pk]),
        ),
        ("consent page", who.mentee.username, reverse("promotions:consent", args=[who.review.pk])),
        (
            "leadership review page",
            panel_member.username,
            reverse("promotions:review", args=[other.pk]),
        ),
        (
            "leadership review page's writes alone",
            panel_member.username,
            reverse("bench-panel-writes", args=[other.pk]),
        ),
        ("program dashboard", who.program_admin.username, reverse("mentorship:program_dashboard")),
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8100")
    parser.add_argument("--duration", type=int, default=20, help="seconds per page")
    parser.add_argument("--warmup", type=int, default=3, help="seconds per page, not measured")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--only", help="measure only pages whose name contains this")
    parser.add_argument(
        "--server-pid",
        type=int,
        default=int(os.environ.get("BENCH_SERVER_PID", "0")) or None,
        help="gunicorn master's pid: its workers' CPU is measured (bench/run.sh passes it)",
    )
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    plan = pages()  # sets Django up
    from django.db import connection

    from promotions.scale import PASSWORD

    database = connection.settings_dict["NAME"]
    if args.server_pid is None:
        print("No --server-pid: CPU per request counts PostgreSQL only.", file=sys.stderr)

    cookies: dict[str, str] = {}
    results: list[Result] = []
    for page, username, path in plan:
        if args.only and args.only not in page and not page.startswith(REFERENCES):
            continue
        if username not in cookies:
            cookies[username] = login(args.base_url, username, PASSWORD)
        cookie = cookies[username]
        check(args.base_url, path, cookie)
        url = args.base_url + path
        options = {"connections": args.connections, "threads": args.threads}
        wrk(url, cookie, duration=args.warmup, **options)
        before, machine_before = cpu_ticks(args.server_pid, database), machine_cpu_ms()
        run = wrk(url, cookie, duration=args.duration, **options)
        spent, exited = cpu_ms_between(before, cpu_ticks(args.server_pid, database))
        machine_spent = machine_cpu_ms() - machine_before
        if exited:
            print(
                f"  {page}: {exited} server processes exited during the measurement; "
                "its CPU figure is too low",
                file=sys.stderr,
            )
        result = Result(
            page=page,
            url=path,
            user=username,
            **{k: run[k] for k in ("requests_per_s", "p50_ms", "p99_ms", "requests", "errors")},
            cpu_ms=spent / run["requests"] if run["requests"] else float("inf"),
            machine_cpu_ms=machine_spent / run["requests"] if run["requests"] else float("inf"),
        )
        if run["socket_errors"]:
            print(f"  {page}: socket errors {run['socket_errors']}", file=sys.stderr)
        if run["p99_ms"] == float("inf"):
            print(run["raw"], file=sys.stderr)
        results.append(result)
        print(
            f"  {page:<26} {result.requests_per_s:8.1f} req/s  p50 {result.p50_ms:7.1f} ms  "
            f"p99 {result.p99_ms:7.1f} ms  CPU {result.cpu_ms:6.1f} ms/request",
            flush=True,
        )
    layout = next(r for r in results if r.page == LAYOUT)
    for result in results:
        result.cpu_ratio = result.cpu_ms / layout.cpu_ms if layout.cpu_ms else float("inf")
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{platform.node()}, {os.cpu_count()} CPUs, {platform.platform()}"
    print(
        f"\nLoad bench, {when} on {machine}\nwrk -t{args.threads} -c{args.connections} "
        f"-d{args.duration}s per page (after {args.warmup}s warm-up), against {args.base_url}\n"
    )
    print(
        "CPU = the gunicorn workers' and this database's PostgreSQL backends' user+system time "
        "during the measurement, per request; the budgets are judged on it. Machine CPU = the "
        "whole machine's busy time per request (wrk, the kernel's loopback networking and "
        "anything else running included): for comparison only.\n"
    )
    print(
        "| page | requests/s | p50 (ms) | p99 (ms) | CPU ms/request | x layout | "
        "machine CPU ms/request | budget |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        if r is layout:
            verdict = "reference (1x)"
        elif r.is_reference:
            verdict = "reference"
        else:
            verdict = f"{'MISSED' if r.misses() else 'met'} ({r.budget:g}x, p99 < 100 ms)"
        print(
            f"| {r.page} | {r.requests_per_s:.1f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | "
            f"{r.cpu_ms:.1f} | {r.cpu_ratio:.2f} | {r.machine_cpu_ms:.1f} | {verdict} |"
        )
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(
                {
                    "when": when,
                    "machine": machine,
                    "args": vars(args),
                    "results": [asdict(r) for r in results],
                },
                handle,
                indent=2,
            )
    missed = [r for r in results if not r.is_reference and r.misses()]
    if missed:
        print("\n" + "!" * 72, file=sys.stderr)
        print("BUDGET EXCEEDED:", file=sys.stderr)
        for r in missed:
            print(f"  {r.page}: {'; '.join(r.misses())}", file=sys.stderr)
        print("!" * 72, file=sys.stderr)
        return 1
    print("\nEvery page is within its budget.")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    sys.exit(main(sys.argv[1:]))
