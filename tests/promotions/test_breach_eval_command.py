"""`manage.py breach_eval`: the cross-author folds, the bars it judges, and what it refuses.

The figures themselves are measured by the command on the real corpus (README, "The breach
guard"); these tests run it on two small batches so that its arithmetic and refusals are pinned.
"""

from __future__ import annotations

import json
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from promotions.management.commands import breach_eval
from promotions.management.commands.breach_eval import FLOOR, TARGETS, Result

pytestmark = pytest.mark.any_database


def rows_of(name: str, count: int) -> list[str]:
    path = breach_eval.DATA / name
    by_label: dict[str, list[str]] = {"breach": [], "acceptable": []}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        by_label[row["label"]].append(line)
    return [*by_label["breach"][:count], *by_label["acceptable"][:count]]


@pytest.fixture
def two_batches(tmp_path, monkeypatch):
    batches = []
    for name in ("breach_corpus_dev_b.jsonl", "breach_corpus_dev_c.jsonl"):
        path = tmp_path / name
        path.write_text("\n".join(rows_of(name, 12)) + "\n", encoding="utf-8")
        batches.append(path)
    monkeypatch.setitem(breach_eval.SPLITS, "dev", batches)
    return batches


def test_folds_measure_each_batch_with_a_model_that_never_saw_it(two_batches):
    out = StringIO()
    call_command("breach_eval", "--folds", stdout=out)
    report = out.getvalue()
    assert "== folds (learned layer trained without the batch it measures)" in report
    for path in two_batches:
        line = next(x for x in report.splitlines() if x.strip().startswith(path.name))
        assert line.split()[1] == "12"  # breaches in the batch
        assert line.split()[3].endswith("%")
    assert next(x for x in report.splitlines() if "all folds" in x).split()[2] == "24"


@pytest.mark.parametrize(
    "options",
    [
        ["--folds", "--check"],
        ["--folds", "--floor"],
        ["--folds", "--split", "heldout"],
        ["--check", "--split", "dev"],
    ],
    ids=" ".join,
)
def test_options_that_would_judge_the_wrong_split_are_refused(options):
    with pytest.raises(CommandError):
        call_command("breach_eval", *options, stdout=StringIO())


def test_data_never_reads_the_held_out_file():
    with pytest.raises(CommandError, match="never the held-out split"):
        call_command(
            "breach_eval", "--data", str(breach_eval.SPLITS["heldout"][0]), stdout=StringIO()
        )


def result(flagged: float, blocked: float, passed: float, p99: float) -> Result:
    return Result(flagged, blocked, passed, 0.1, 0.2, 1.0, p99, Counter())


def test_a_result_names_every_figure_below_its_bar():
    at_targets = result(TARGETS["flagged"], TARGETS["blocked"], TARGETS["passed"], 1.0)
    assert at_targets.misses() == []
    short = result(0.90, 0.70, 0.94, 25.0)
    assert [m.split()[1] for m in short.misses()] == ["flagged", "blocked", "passed", "for"]
    assert [m.split()[1] for m in short.misses(FLOOR)][:3] == ["flagged", "blocked", "passed"]
