"""Measure the breach guard against the labelled corpus: how many breaches it flags and blocks,
how many acceptable statements it lets pass, recall per category, the confusion matrix, and the
time per statement (also for a 2,000-character statement built from corpus sentences).

The held-out split (tests/data/breach_corpus_heldout.jsonl) is written apart from the guard and
never tuned against; `--check` fails when it misses the issue's targets. The guard does not
meet them yet (README, "The breach guard"), so CI runs `--floor`: it fails when the held-out
figures fall below those measured for the shipped guard, so a change can only keep or improve
them.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from promotions import breach_model
from promotions.breach import BLOCK, CAUTION, PASS, assess

DATA = Path(settings.BASE_DIR) / "tests" / "data"
# The development split is every batch written for tuning (breach_corpus_dev*.jsonl: the first
# author's, six more authors' and the attack review's batches); the held-out file never is.
SPLITS = {
    "dev": sorted(DATA.glob("breach_corpus_dev*.jsonl")),
    "heldout": [DATA / "breach_corpus_heldout.jsonl"],
}
TARGETS = {
    "flagged": 0.95,  # breaches flagged (block or caution)
    "blocked": 0.85,  # breaches blocked
    "passed": 0.95,  # acceptable statements passed
    "p99_2000_ms": 20.0,  # a 2,000-character statement
}
# The shipped guard's held-out figures (30 Nov 2026), rounded down: the regression floor.
FLOOR = {
    "flagged": 0.96,  # measured 96.2%
    "blocked": 0.80,  # measured 80.3%
    "passed": 0.965,  # measured 96.6%
    "p99_2000_ms": 20.0,  # the target itself
}
LONG_CHARS = 2000


@dataclass
class Result:
    flagged: float
    blocked: float
    passed: float
    p50_ms: float
    p99_ms: float
    long_p50_ms: float
    long_p99_ms: float
    matrix: Counter[tuple[str, str]]

    def misses(self, bar: dict[str, float] = TARGETS) -> list[str]:
        misses = []
        if self.flagged < bar["flagged"]:
            misses.append(f"breaches flagged {self.flagged:.1%} < {bar['flagged']:.0%}")
        if self.blocked < bar["blocked"]:
            misses.append(f"breaches blocked {self.blocked:.1%} < {bar['blocked']:.0%}")
        if self.passed < bar["passed"]:
            misses.append(f"acceptable passed {self.passed:.1%} < {bar['passed']:.0%}")
        if self.long_p99_ms >= bar["p99_2000_ms"]:
            misses.append(
                f"p99 for {LONG_CHARS} characters {self.long_p99_ms:.2f} ms >= "
                f"{bar['p99_2000_ms']:.0f} ms"
            )
        return misses


def load(path: Path) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("label") not in ("breach", "acceptable") or not row.get("text"):
                raise CommandError(f"{path.name}:{number}: needs text and label breach|acceptable")
            rows.append(row)
    return rows


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def long_statements(rows: list[dict], count: int) -> list[str]:
    """Statements of exactly LONG_CHARS characters, each from corpus sentences in another order."""
    texts = [r["text"] for r in rows]
    statements = []
    for offset in range(count):
        parts: list[str] = []
        i = offset
        while sum(len(p) + 1 for p in parts) < LONG_CHARS:
            parts.append(texts[(i * 7) % len(texts)])
            i += 1
        statements.append(" ".join(parts)[:LONG_CHARS])
    return statements


def _total(matrix: Counter[tuple[str, str]], label: str) -> int:
    return sum(n for (row_label, _), n in matrix.items() if row_label == label)


def timed(text: str) -> tuple[str, float]:
    start = time.perf_counter()
    verdict = assess(text).verdict
    return verdict, (time.perf_counter() - start) * 1000


class Command(BaseCommand):
    help = "Evaluate the breach guard on the labelled corpus (dev and held-out splits)."

    def add_arguments(self, parser):
        parser.add_argument("--split", choices=["dev", "heldout", "all"], default="all")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Exit non-zero when the held-out split misses the issue's targets.",
        )
        parser.add_argument(
            "--floor",
            action="store_true",
            help="Exit non-zero when the held-out split falls below the shipped guard's figures.",
        )
        parser.add_argument(
            "--misses", action="store_true", help="Also print the statements judged wrongly."
        )
        parser.add_argument(
            "--folds",
            action="store_true",
            help=(
                "Cross-author folds on the development split: for each batch, train the learned "
                "layer on the other batches only and measure the batch held back."
            ),
        )
        parser.add_argument(
            "--data",
            nargs="+",
            type=Path,
            help="Measure these development files instead (one author's batch, for a fold).",
        )

    def handle(self, *args, split, check, floor, misses, folds=False, data=None, **options):
        if folds:
            if check or floor or data or split == "heldout":
                raise CommandError("--folds measures the development batches only.")
            assess("Warm-up: she is not ready.")
            self.folds(show_misses=misses)
            return
        names = ["dev", "heldout"] if split == "all" else [split]
        bar = TARGETS if check else FLOOR
        check = check or floor
        if data:
            if check or any("heldout" in p.name for p in data):
                raise CommandError("--data measures development files, never the held-out split.")
            names = ["fold"]
        if check and "heldout" not in names:
            raise CommandError("--check judges the held-out split: use --split heldout or all.")
        assess("Warm-up: she is not ready.")  # load the lexicons before timing
        results = {}
        for name in names:
            paths = data if name == "fold" else [p for p in SPLITS[name] if p.exists()]
            if not paths:
                if check and name == "heldout":
                    raise CommandError(f"{SPLITS[name][0]} is missing.")
                self.stdout.write(f"{name}: no corpus file present, skipped.")
                continue
            rows = [row for path in paths for row in load(path)]
            results[name] = self.evaluate(name, rows, show_misses=misses)
        if check:
            what = "the targets" if bar is TARGETS else "the shipped guard's floor"
            failed = results["heldout"].misses(bar)
            if failed:
                raise CommandError(f"Held-out split misses {what}: " + "; ".join(failed))
            self.stdout.write(self.style.SUCCESS(f"Held-out split meets {what}."))

    def folds(self, *, show_misses: bool) -> None:
        """Each development batch judged by a learned layer that never saw it: the best proxy
        for an author the guard has not seen. Optimistic still, since the rules and thresholds
        were written with every batch in view, and that cannot be undone per fold."""
        from promotions.management.commands.breach_train import train

        batches = SPLITS["dev"]
        pooled: Counter[tuple[str, str]] = Counter()
        summary = []
        for batch in batches:
            model = train([p for p in batches if p != batch])
            with breach_model.using(model):
                result = self.evaluate(
                    f"fold {batch.name}", load(batch), show_misses=show_misses, timed_long=False
                )
            pooled += result.matrix
            summary.append((batch.name, result))
        out = self.stdout.write
        out("== folds (learned layer trained without the batch it measures)")
        out(f"  {'batch':30}{'breach':>7}{'flagged':>9}{'blocked':>9}{'accept':>7}{'passed':>8}")
        for name, r in summary:
            out(
                f"  {name:30}{_total(r.matrix, 'breach'):>7}{r.flagged:>9.1%}{r.blocked:>9.1%}"
                f"{_total(r.matrix, 'acceptable'):>7}{r.passed:>8.1%}"
            )
        breaches = _total(pooled, "breach")
        acceptable = _total(pooled, "acceptable")
        out(
            f"  {'all folds':30}{breaches:>7}"
            f"{(pooled[('breach', BLOCK)] + pooled[('breach', CAUTION)]) / breaches:>9.1%}"
            f"{pooled[('breach', BLOCK)] / breaches:>9.1%}{acceptable:>7}"
            f"{pooled[('acceptable', PASS)] / acceptable:>8.1%}"
        )

    def evaluate(
        self, name: str, rows: list[dict], *, show_misses: bool, timed_long: bool = True
    ) -> Result:
        matrix: Counter[tuple[str, str]] = Counter()
        per_category: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        times = []
        wrong = []
        for row in rows:
            verdict, ms = timed(row["text"])
            times.append(ms)
            matrix[(row["label"], verdict)] += 1
            per_category[(row["label"], row.get("category", "?"))][verdict] += 1
            if (row["label"] == "breach") == (verdict == PASS):
                wrong.append((row["label"], row.get("category", "?"), verdict, row["text"]))
        long_times = [timed(text)[1] for text in long_statements(rows, 200 if timed_long else 1)]
        breaches = sum(n for (label, _), n in matrix.items() if label == "breach")
        acceptable = sum(n for (label, _), n in matrix.items() if label == "acceptable")
        result = Result(
            flagged=(matrix[("breach", BLOCK)] + matrix[("breach", CAUTION)]) / max(breaches, 1),
            blocked=matrix[("breach", BLOCK)] / max(breaches, 1),
            passed=matrix[("acceptable", PASS)] / max(acceptable, 1),
            p50_ms=statistics.median(times),
            p99_ms=percentile(times, 0.99),
            long_p50_ms=statistics.median(long_times),
            long_p99_ms=percentile(long_times, 0.99),
            matrix=matrix,
        )
        out = self.stdout.write
        out(f"== {name}: {len(rows)} statements ({breaches} breach, {acceptable} acceptable)")
        out(f"breaches flagged (block or caution): {result.flagged:.1%}")
        out(f"breaches blocked:                    {result.blocked:.1%}")
        out(f"acceptable passed:                   {result.passed:.1%}")
        out("per-category recall (breach: flagged / blocked; acceptable: passed):")
        for (label, category), verdicts in sorted(per_category.items()):
            total = sum(verdicts.values())
            if label == "breach":
                flagged = verdicts[BLOCK] + verdicts[CAUTION]
                out(
                    f"  {label:10} {category:20} {flagged:3}/{total:<3} {flagged / total:6.1%}"
                    f"  blocked {verdicts[BLOCK] / total:6.1%}"
                )
            else:
                out(
                    f"  {label:10} {category:20} {verdicts[PASS]:3}/{total:<3} "
                    f"{verdicts[PASS] / total:6.1%}"
                )
        out("confusion matrix (label x verdict):")
        out(f"  {'':12}{BLOCK:>8}{CAUTION:>9}{PASS:>7}")
        for label in ("breach", "acceptable"):
            out(
                f"  {label:12}{matrix[(label, BLOCK)]:>8}{matrix[(label, CAUTION)]:>9}"
                f"{matrix[(label, PASS)]:>7}"
            )
        out(f"time per statement: p50 {result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms")
        if timed_long:
            out(
                f"time per {LONG_CHARS}-character statement: p50 {result.long_p50_ms:.2f} ms, "
                f"p99 {result.long_p99_ms:.2f} ms"
            )
        if show_misses:
            for label, category, verdict, text in wrong:
                out(f"  MISS {label}/{category} -> {verdict}: {text!r}")
        return result
