"""Train the breach guard's linear layer (promotions/breach_model.py) from the development corpus.

Reads tests/data/breach_corpus_dev*.jsonl (never the held-out split: the guard is not tuned on
it) and writes promotions/breach_weights.json. Pure Python and deterministic: the same files give
the same weights, so the file in the repository can be rebuilt and compared in review.

Each acceptable row is split into its sentences, because the guard judges sentence by sentence.
A multi-sentence breach row has one breaching sentence, not marked: a first model trained on the
rest picks it (the sentence it finds most like a breach), and the final model learns from that.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from promotions import breach, breach_model
from promotions.management.commands.breach_eval import load

DATA = Path(settings.BASE_DIR) / "tests" / "data"
CATEGORIES = [
    "work_quality",
    "competence",
    "conduct",
    "readiness_verdict",
    "peer_comparison",
    "positive_verdict",
]
MIN_COUNT = 2  # a feature seen in one training sentence only is one author's accident
# Nor is a feature only one batch holds: a batch is one author's phrasing, and the guard must
# read an author it has not seen (breach_eval --folds measures that).
MIN_BATCHES = 2
L2 = 1e-2


def sentence_keys(text: str, *, breach_row: bool = False) -> list[list[str]]:
    norm, _ = breach._normalise(text)
    out = []
    for start, end in breach._sentences(norm):
        tokens = breach._tokens(norm, start, end)
        if breach_row:
            # "She is the best engineer on the team, and I have watched her confidence grow":
            # the verdict is the first clause; the mentor's own clause beside it is advocacy
            # and must not be learned as evidence of a breach (breach.py sets it aside too).
            tokens = breach.without_mentor_clauses(tokens) or tokens
        if tokens:
            out.append(sorted({f.key for f in breach_model.features(tokens)}))
    return out


def _rounded(value: float) -> float:
    return round(value, 4)


def train(paths: list[Path]) -> dict:
    """The model's weights, as written to breach_weights.json, learned from these corpus files."""
    if any("heldout" in p.name for p in paths):
        raise CommandError("The held-out split is never trained on.")
    rows = [row for path in paths for row in load(path)]
    batches_of: dict[str, set[str]] = {}
    for path in paths:
        for row in load(path):
            for keys in sentence_keys(row["text"], breach_row=row["label"] == "breach"):
                for k in keys:
                    batches_of.setdefault(k, set()).add(path.name)
    single: list[tuple[list[str], int]] = []
    multi: list[tuple[list[list[str]], str]] = []
    for row in rows:
        sentences = sentence_keys(row["text"], breach_row=row["label"] == "breach")
        if row["label"] == "acceptable":
            single += [(keys, 0) for keys in sentences]
        elif len(sentences) == 1:
            single.append((sentences[0], 1))
        else:
            multi.append((sentences, row["category"]))
    counts = Counter(k for keys, _ in single for k in keys)
    counts.update(k for sentences, _ in multi for keys in sentences for k in keys)
    kept = {k for k, n in counts.items() if n >= MIN_COUNT and len(batches_of[k]) >= MIN_BATCHES}

    def prune(keys: list[str]) -> list[str]:
        return [k for k in keys if k in kept]

    binary_rows = [(prune(keys), label) for keys, label in single]
    bias, weights = breach_model.train_logistic(
        binary_rows, l2=L2, evidence=breach_model.says_something
    )
    chosen = []
    for sentences, category in multi:
        best = max(sentences, key=lambda keys: sum(weights.get(k, 0.0) for k in keys))
        chosen.append((prune(best), category))
    bias, weights = breach_model.train_logistic(
        binary_rows + [(k, 1) for k, _ in chosen], l2=L2, evidence=breach_model.says_something
    )

    # The category model learns from breaches whose category names what they judge.
    category_rows = []
    for row in rows:
        if row["label"] != "breach" or row["category"] not in CATEGORIES:
            continue
        sentences = sentence_keys(row["text"], breach_row=True)
        if len(sentences) == 1:
            category_rows.append((prune(sentences[0]), row["category"]))
    category_rows += [(keys, category) for keys, category in chosen if category in CATEGORIES]
    c_bias, c_weights = breach_model.train_softmax(category_rows, CATEGORIES)

    return {
        "trained_on": [p.name for p in paths],
        "binary": {
            "bias": _rounded(bias),
            "weights": {k: _rounded(w) for k, w in sorted(weights.items()) if abs(w) >= 0.005},
        },
        "category": {
            "classes": CATEGORIES,
            "bias": {c: _rounded(b) for c, b in c_bias.items()},
            "weights": {
                k: [_rounded(w) for w in row]
                for k, row in sorted(c_weights.items())
                if max(abs(w) for w in row) >= 0.005
            },
        },
    }


class Command(BaseCommand):
    help = "Train the breach guard's linear layer from the development corpus."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data",
            nargs="*",
            type=Path,
            help="Corpus files (default: every tests/data/breach_corpus_dev*.jsonl).",
        )
        parser.add_argument("--out", type=Path, default=breach_model.WEIGHTS)

    def handle(self, *args, data, out, **options):
        paths = data or sorted(DATA.glob("breach_corpus_dev*.jsonl"))
        model = train(paths)
        out.write_text(json.dumps(model, separators=(",", ":")) + "\n", encoding="utf-8")
        self.stdout.write(
            f"{out}: {len(model['binary']['weights'])} weights from "
            f"{', '.join(p.name for p in paths)}"
        )
