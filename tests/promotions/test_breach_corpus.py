"""The breach guard on its development corpus (every breach_corpus_dev*.jsonl: seven authors'
batches, and one with the sentences of the round-2 security review and variations of them),
and the corpus holds what the issue requires. The learned layer is trained on these files, so the
figures here are fit figures, not a measure of generalisation: that is the held-out split, judged
in CI by `breach_eval --floor`, and measured across authors by training on all batches but one
and evaluating on that one (`breach_eval --folds`)."""

from __future__ import annotations

import json
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from promotions.breach import BLOCK, PASS, assess

pytestmark = pytest.mark.any_database

DATA = Path(__file__).resolve().parents[1] / "data"
DEV = sorted(DATA.glob("breach_corpus_dev*.jsonl"))
BREACH_CATEGORIES = {
    "work_quality",
    "competence",
    "conduct",
    "readiness_verdict",
    "peer_comparison",
    "disguised",
    "positive_verdict",
}
ACCEPTABLE_CATEGORIES = {
    "growth",
    "relationship_facts",
    "own_feelings",
    "others_performance",
    "hedged_advocacy",
    "multi_sentence",
}
ISSUE_SENTENCES = [
    "Her project work was sloppy and she missed several important deadlines.",
    "Her performance this year has been below expectations.",
    "Honestly, she is not yet ready to manage a team.",
    "I would not recommend her for this promotion.",
    "She is un-professional with stakeholders.",
    "dis\u200borganized",
    "\u0430 l\u0430zy planner",
    "Early on she told me she felt disorganized; she has since built a planning routine.",
    "She no longer believes she lacks the skills to lead.",
    "She now coaches two junior colleagues on recovering from missed deadlines.",
    "Carol was completely disorganized and unprofessional about how she approached her project "
    "and I don\u2019t see that she has the skills sets you are looking for.",
    "Carol and I weren\u2019t able to meet as frequently as we had hoped. She didn\u2019t complete "
    "the project we had begun work on during our mentoring relationship, so I am not able to "
    "offer a reliable picture of how Carol might lead the new project team.",
]

# What the second security review reproduced reaching the panel (dev_f holds them, with
# variations and acceptable look-alikes).
REVIEW_SENTENCES = [
    "She is s\u034floppy and l\u034fazy.",
    "She is \ua731\u029f\u1d0f\u1d18\u1d18\u028f and \u029f\u1d00\u1d22\u028f.",
    "She was put on a performance improvement plan last year.",
    "She's a liability to the team.",
    "She lies about her progress in standups.",
    "Her manager has had to step in several times to rescue her projects.",
    "Other engineers on her team carry more of the load than she does.",
    "Mary argues with colleagues and has made enemies on the team.",
    "People on her team have told me they dread working with her.",
    "Her stakeholders have complained to me about her responsiveness.",
    "Honestly, her team would be better served by someone more experienced.",
    "Let's just say the panel should look closely at her delivery record.",
    "She rubs people the wrong way.",
    "Carol is the best engineer on the team, and I have watched her confidence grow.",
    "She supported a colleague who was on a performance improvement plan.",
    "Her team told me how much her coaching helped them.",
]


def rows() -> list[dict]:
    return [
        json.loads(line)
        for path in DEV
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def test_the_dev_corpus_covers_every_category_and_the_issues_sentences():
    assert [p.name for p in DEV] == [
        "breach_corpus_dev.jsonl",
        "breach_corpus_dev_b.jsonl",
        "breach_corpus_dev_c.jsonl",
        "breach_corpus_dev_d.jsonl",
        "breach_corpus_dev_e.jsonl",
        "breach_corpus_dev_f.jsonl",
        "breach_corpus_dev_g.jsonl",
        "breach_corpus_dev_h.jsonl",
    ]
    corpus = rows()
    labels = Counter(r["label"] for r in corpus)
    assert len(corpus) >= 1956
    assert labels["breach"] >= 1021
    assert labels["acceptable"] >= 935
    assert {r["category"] for r in corpus if r["label"] == "breach"} == BREACH_CATEGORIES
    assert {r["category"] for r in corpus if r["label"] == "acceptable"} == ACCEPTABLE_CATEGORIES
    texts = {r["text"] for r in corpus}
    assert [s for s in ISSUE_SENTENCES if s not in texts] == []
    assert [s for s in REVIEW_SENTENCES if s not in texts] == []


def test_the_guard_holds_the_figures_it_reached_on_the_dev_corpus():
    corpus = rows()
    breaches = [assess(r["text"]).verdict for r in corpus if r["label"] == "breach"]
    acceptable = [assess(r["text"]).verdict for r in corpus if r["label"] == "acceptable"]
    flagged = sum(v != PASS for v in breaches) / len(breaches)
    blocked = sum(v == BLOCK for v in breaches) / len(breaches)
    passed = sum(v == PASS for v in acceptable) / len(acceptable)
    # Measured with eight batches (g and h measured before they were read): 99.2% / 84.8% /
    # 99.9%. Blocked is bounded by the positive verdicts, which are cautioned, not blocked
    # (about 14% of breaches).
    assert (flagged >= 0.985, blocked >= 0.84, passed >= 0.995) == (True, True, True), (
        flagged,
        blocked,
        passed,
    )


def test_breach_eval_reports_the_dev_split():
    out = StringIO()
    call_command("breach_eval", "--split", "dev", stdout=out)
    report = out.getvalue()
    for line in (
        "breaches flagged (block or caution):",
        "breaches blocked:",
        "acceptable passed:",
        "per-category recall",
        "confusion matrix (label x verdict):",
        "time per statement: p50",
        "time per 2000-character statement: p50",
    ):
        assert line in report
    assert "disguised" in report
