"""The breach guard's learned layer: a linear model over word stems and stem pairs.

The rules in breach.py read structure (who is the subject, negation, frame) but only recognise
the evaluative words and patterns someone listed. Mentors write the same verdict in endless
idioms ("a safe pair of hands", "would look green next to the other directors"), so beside the
rules sits a logistic regression trained on the labelled development corpus
(tests/data/breach_corpus_dev*.jsonl) by `manage.py breach_train`, shipped as a weights file
(breach_weights.json) and read here without any library: a dot product over a dict.

It is explainable the same way the rules are: the n-grams of a sentence that weigh most towards
"breach" are the words shown to the mentor, with the explanation of the category the second model
(trained on the breach rows only) finds most likely.

Features are computed from the guard's own tokens (normalised, rejoined, stemmed), so disguises
and inflections reach the model already undone. The mentee is abstracted (names become @n,
she/he/they @s, her/his/their @p, him/them @o) so one author's names and pronouns do not become
another author's blind spot; words inside a negation are also counted with a "!" mark, so "not
ready" and "ready" weigh differently.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

WEIGHTS = Path(__file__).with_name("breach_weights.json")

_SUBJECT = frozenset(("she", "he", "they"))
_POSSESSIVE = frozenset(("her", "his", "their", "hers", "theirs"))
_OBJECT = frozenset(("him", "them"))
_REFLEXIVE = frozenset(("herself", "himself", "themselves"))
_NEGATORS = frozenset(("not", "never", "no", "nor", "without", "hardly", "barely"))
_NEGATION_REACH = 4
POSITIVE = "positive_verdict"


class TokenLike(Protocol):
    stem: str
    word: str
    name: bool


@dataclass(frozen=True)
class Feature:
    key: str
    first: int  # token indices, inclusive
    last: int


def _unit(token: TokenLike) -> str:
    word = token.word
    if token.name or token.stem == "@n":
        return "@n"
    if word in _SUBJECT:
        return "@s"
    if word in _POSSESSIVE:
        return "@p"
    if word in _OBJECT:
        return "@o"
    if word in _REFLEXIVE:
        return "@x"
    if word.isdigit():
        return "#"
    return token.stem


def features(tokens: Sequence[TokenLike]) -> list[Feature]:
    """Unigrams, bigrams and negated unigrams of one sentence (or a few), with token spans."""
    units = [_unit(t) for t in tokens]
    out: list[Feature] = []
    negated_until = -1
    for i, unit in enumerate(units):
        if unit == "|":
            negated_until = -1
            continue
        out.append(Feature("u:" + unit, i, i))
        if i <= negated_until:
            out.append(Feature("n:" + unit, i, i))
        if unit in _NEGATORS:
            negated_until = i + _NEGATION_REACH
        if i + 1 < len(units) and units[i + 1] != "|":
            out.append(Feature(f"b:{unit} {units[i + 1]}", i, i + 1))
    return out


def _says_something(key: str) -> bool:
    """Is there a word in the n-gram, not only who it is about ("@n @n" from two names)?"""
    return any(unit[:1] not in ("@", "#") for unit in key[2:].split())


@dataclass(frozen=True)
class Prediction:
    breach: float  # probability that the sentence evaluates the mentee as an employee
    strongest: float  # the largest weight towards "breach" of one of its n-grams
    category: str  # the most likely negative breach category, should it be one
    positive: float  # probability, should it be a breach, that it is a positive verdict
    evidence: tuple[Feature, ...]  # the features that weigh most towards "breach"


@functools.cache
def _weights() -> dict | None:
    if not WEIGHTS.exists():
        return None
    return json.loads(WEIGHTS.read_text(encoding="utf-8"))


def available() -> bool:
    return _weights() is not None


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1 / (1 + math.exp(-z))
    e = math.exp(z)
    return e / (1 + e)


def predict(tokens: Sequence[TokenLike], *, evidence: int = 3) -> Prediction | None:
    model = _weights()
    if model is None or not tokens:
        return None
    binary = model["binary"]
    weights = binary["weights"]
    found = features(tokens)
    z = binary["bias"]
    seen: set[str] = set()
    contributions: list[tuple[float, Feature]] = []
    for feature in found:
        if feature.key in seen:
            continue
        seen.add(feature.key)
        w = weights.get(feature.key)
        if w is not None:
            z += w
            if w > 0 and _says_something(feature.key):
                contributions.append((w, feature))
    contributions.sort(key=lambda c: -c[0])
    categories = model["category"]
    scores = {c: categories["bias"][c] for c in categories["classes"]}
    for key in seen:
        row = categories["weights"].get(key)
        if row:
            for c, w in zip(categories["classes"], row, strict=True):
                scores[c] += w
    top = max(scores.values())
    exps = {c: math.exp(s - top) for c, s in scores.items()}
    negative = [c for c in categories["classes"] if c != POSITIVE]
    return Prediction(
        breach=_sigmoid(z),
        strongest=contributions[0][0] if contributions else 0.0,
        category=max(negative, key=lambda c: (scores[c], c)),
        positive=exps.get(POSITIVE, 0.0) / sum(exps.values()),
        evidence=tuple(f for _, f in contributions[:evidence]),
    )


# --- Training (used by `manage.py breach_train`; pure Python, deterministic) ---------------


def train_logistic(
    rows: list[tuple[list[str], int]], *, epochs: int = 40, l2: float = 1e-2, rate: float = 0.5
) -> tuple[float, dict[str, float]]:
    """Binary logistic regression by AdaGrad over feature-key sets; returns (bias, weights)."""
    bias = 0.0
    weights: dict[str, float] = {}
    g2: dict[str, float] = {}
    g2_bias = 1e-8
    for epoch in range(epochs):
        # A fixed rotation, not a random shuffle: the same files give the same weights.
        order = rows[epoch % len(rows) :] + rows[: epoch % len(rows)] if rows else rows
        for keys, label in order:
            z = bias + sum(weights.get(k, 0.0) for k in keys)
            grad = _sigmoid(z) - label
            g2_bias += grad * grad
            bias -= rate * grad / math.sqrt(g2_bias)
            for k in keys:
                w = weights.get(k, 0.0)
                g = grad + l2 * w
                g2[k] = g2.get(k, 1e-8) + g * g
                weights[k] = w - rate * g / math.sqrt(g2[k])
    return bias, weights


def train_softmax(
    rows: list[tuple[list[str], str]],
    classes: list[str],
    *,
    epochs: int = 40,
    l2: float = 1e-2,
    rate: float = 0.5,
) -> tuple[dict[str, float], dict[str, list[float]]]:
    """Multinomial logistic regression by AdaGrad; returns (bias per class, weights per key)."""
    n = len(classes)
    index = {c: i for i, c in enumerate(classes)}
    bias = [0.0] * n
    g2_bias = [1e-8] * n
    weights: dict[str, list[float]] = {}
    g2: dict[str, list[float]] = {}
    for epoch in range(epochs):
        order = rows[epoch % len(rows) :] + rows[: epoch % len(rows)] if rows else rows
        for keys, label in order:
            scores = list(bias)
            for k in keys:
                row = weights.get(k)
                if row:
                    for c in range(n):
                        scores[c] += row[c]
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            total = sum(exps)
            target = index[label]
            grads = [e / total - (1.0 if c == target else 0.0) for c, e in enumerate(exps)]
            for c in range(n):
                g2_bias[c] += grads[c] ** 2
                bias[c] -= rate * grads[c] / math.sqrt(g2_bias[c])
            for k in keys:
                row = weights.setdefault(k, [0.0] * n)
                acc = g2.setdefault(k, [1e-8] * n)
                for c in range(n):
                    g = grads[c] + l2 * row[c]
                    acc[c] += g * g
                    row[c] -= rate * g / math.sqrt(acc[c])
    return dict(zip(classes, bias, strict=True)), weights
