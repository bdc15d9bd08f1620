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

import contextlib
import functools
import json
import math
from collections.abc import Callable, Iterator, Sequence
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


def unit(token: TokenLike) -> str:
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
    units = [unit(t) for t in tokens]
    out: list[Feature] = []
    negated_until = -1
    for i, u in enumerate(units):
        if u == "|":
            negated_until = -1
            continue
        out.append(Feature("u:" + u, i, i))
        if i <= negated_until:
            out.append(Feature("n:" + u, i, i))
        if u in _NEGATORS:
            negated_until = i + _NEGATION_REACH
        if i + 1 < len(units) and units[i + 1] != "|":
            out.append(Feature(f"b:{u} {units[i + 1]}", i, i + 1))
    return out


# Words that carry no judgment of anyone: articles, pronouns, prepositions, auxiliaries,
# conjunctions, quantifiers and the adverbs a speaker frames a sentence with ("honestly").
# In the training batches they co-occur with breaches often enough to earn weight ("for the",
# "another", "has a"), but a sentence made of them says nothing about the mentee: they may count
# against a learned flag, never towards one, and are never the words shown to the mentor.
FUNCTION_WORDS = """a an the this that these those there here it its itself what which who whom
whose where when why how whether if then than so as at by for from in into of off on onto out
over under up down to toward towards with within without about above across after against
along among around before behind below beside besides between beyond during except like near
since through throughout till until upon via and or but nor yet also too either neither both
each every all any some such no not never none other another others same own more most less
least much many few several lot lots one two three four five six seven eight nine ten first
second third last next i me my mine myself we us our ours ourselves you your yours yourself
she he they her him them his hers their theirs herself himself themselves be is was were are
been being am have has had having do does did done doing will would shall should can could may
might must ought get got let make made go went say said tell told think thought know knew
just very really quite rather still even ever only again already always often sometimes
usually perhaps maybe indeed however though although while whereas because since therefore
thus honestly frankly candidly truly clearly personally sadly unfortunately overall basically
actually simply certainly obviously generally anyway well ok okay yes thing things way something
anything everything nothing else someone anyone everyone somebody anybody everybody nobody time
times year years month months week weeks day days now today ago early late lately recently
mr ms mrs dr"""


@functools.cache
def _function_stems() -> frozenset[str]:
    from promotions.breach import stem  # breach imports this module: read it when first needed
    from promotions.breach_lexicon import OTHER_PEOPLE

    # Who or what a verdict would be about ("a coworker", "this role") is no verdict either.
    plain = set(FUNCTION_WORDS.split()) | OTHER_PEOPLE | {"role", "roles", "position", "job"}
    return frozenset(stem(w) for w in plain) | frozenset(plain)


def is_content(unit: str) -> bool:
    return unit[:1] not in ("@", "#") and unit not in _function_stems()


def says_something(key: str) -> bool:
    """Does the n-gram hold a content word, not only function words or who it is about
    ("@n @n" from two names, "has a", "up the")?"""
    return any(is_content(unit) for unit in key[2:].split())


@dataclass(frozen=True)
class Prediction:
    breach: float  # probability that the sentence evaluates the mentee as an employee
    # the same, with no say for function-word n-grams towards "breach": what the content says
    content_breach: float
    strongest: float  # the largest weight towards "breach" of one of its content n-grams
    category: str  # the most likely negative breach category, should it be one
    positive: float  # probability, should it be a breach, that it is a positive verdict
    # the content n-grams that weigh towards "breach", heaviest first, with their weights
    evidence: tuple[tuple[float, Feature], ...]


@functools.cache
def _weights() -> dict | None:
    if not WEIGHTS.exists():
        return None
    return json.loads(WEIGHTS.read_text(encoding="utf-8"))


# A model trained in this process, read instead of the shipped weights while it is set: the
# cross-author folds of `breach_eval --folds` train on all batches but one and judge that one.
_trained: list[dict] = []


@contextlib.contextmanager
def using(model: dict) -> Iterator[None]:
    _trained.append(model)
    try:
        yield
    finally:
        _trained.pop()


def _model() -> dict | None:
    return _trained[-1] if _trained else _weights()


def available() -> bool:
    return _model() is not None


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1 / (1 + math.exp(-z))
    e = math.exp(z)
    return e / (1 + e)


def predict(tokens: Sequence[TokenLike]) -> Prediction | None:
    model = _model()
    if model is None or not tokens:
        return None
    binary = model["binary"]
    weights = binary["weights"]
    found = features(tokens)
    z = content = binary["bias"]
    seen: set[str] = set()
    contributions: list[tuple[float, Feature]] = []
    for feature in found:
        if feature.key in seen:
            continue
        seen.add(feature.key)
        w = weights.get(feature.key)
        if w is not None:
            z += w
            if says_something(feature.key):
                content += w
                if w > 0:
                    contributions.append((w, feature))
            elif w < 0:
                content += w
    contributions.sort(key=lambda c: (-c[0], c[1].first))
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
        content_breach=_sigmoid(content),
        strongest=contributions[0][0] if contributions else 0.0,
        category=max(negative, key=lambda c: (scores[c], c)),
        positive=exps.get(POSITIVE, 0.0) / sum(exps.values()),
        evidence=tuple(contributions),
    )


# --- Training (used by `manage.py breach_train`; pure Python, deterministic) ---------------


def train_logistic(
    rows: list[tuple[list[str], int]],
    *,
    epochs: int = 40,
    l2: float = 1e-2,
    rate: float = 0.5,
    evidence: Callable[[str], bool] = lambda key: True,
) -> tuple[float, dict[str, float]]:
    """Binary logistic regression by AdaGrad over feature-key sets; returns (bias, weights).

    A key that is not `evidence` is held at or below zero (projected gradient): it may speak
    against "breach", never for it, so the weight a breach needs is learned by its content words.
    """
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
                w = w - rate * g / math.sqrt(g2[k])
                weights[k] = w if w <= 0 or evidence(k) else 0.0
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
