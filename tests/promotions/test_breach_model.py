"""The breach guard's learned layer: a linear model trained from the development corpus by
`breach_train`, shipped as a weights file, catching verdicts no rule lists and showing the words
that weighed towards them."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from promotions import breach_model
from promotions.breach import BLOCK, CAUTION, PASS, assess

pytestmark = pytest.mark.any_database

IDIOMS = [
    # Written by authors whose batches the rules were never written from; no rule lists them.
    (
        "She's a safe pair of hands; give her the hardest programme you have and it'll land on "
        "time.",
        CAUTION,
    ),
    (
        "Between you and me, Carlos is idle, and he has a knack for making sure someone else picks "
        "up the unglamorous bits.",
        BLOCK,
    ),
    (
        "I'd question whether she has the capability to run an incident of that severity, given "
        "how she coped with the smaller ones.",
        BLOCK,
    ),
]


def test_the_shipped_weights_are_what_breach_train_builds_from_the_dev_corpus(tmp_path):
    out = tmp_path / "weights.json"
    call_command("breach_train", "--out", str(out), stdout=StringIO())
    assert out.read_bytes() == breach_model.WEIGHTS.read_bytes()
    trained_on = json.loads(out.read_text())["trained_on"]
    assert trained_on == sorted(trained_on)
    assert all(name.startswith("breach_corpus_dev") for name in trained_on)


def test_breach_train_refuses_the_held_out_split(tmp_path):
    heldout = Path(breach_model.__file__).parents[1] / "tests/data/breach_corpus_heldout.jsonl"
    with pytest.raises(CommandError, match="never trained on"):
        call_command("breach_train", "--data", str(heldout), "--out", str(tmp_path / "w.json"))
    assert not (tmp_path / "w.json").exists()


@pytest.mark.parametrize(("text", "verdict"), IDIOMS)
def test_an_idiom_no_rule_lists_is_flagged_with_the_words_that_weighed(text, verdict):
    assessment = assess(text)
    assert assessment.verdict == verdict
    (finding,) = assessment.findings
    assert finding.phrase.startswith("learned: ")
    assert finding.explanation
    assert finding.reframe
    assert finding.words
    for word in finding.words:
        assert text[word.start : word.end] == word.text
        assert word.text.strip()


def test_without_its_weights_the_guard_falls_back_to_the_rules(monkeypatch, tmp_path):
    monkeypatch.setattr(breach_model, "WEIGHTS", tmp_path / "missing.json")
    breach_model._weights.cache_clear()
    try:
        assert assess(IDIOMS[1][0]).verdict == PASS
        assert assess("She is lazy.").verdict == BLOCK
    finally:
        breach_model._weights.cache_clear()


@pytest.mark.parametrize(
    "text",
    [
        "Innocent words.",
        # Names alone are who a sentence is about, not what it says.
        "Canary14AwaitingText Sentinel14AwaitingText",
        "Part of that was on me.",
        "Ryo and I mostly talk about career paths. He has been weighing up a move into product.",
        # The rules' frames hold for what the model finds: a topic of discussion.
        "They asked how to recognise a top performer on their team.",
        # Function words and a prior are no evidence: both were blocked on "the other", "another".
        "For the other role.",
        "Another review.",
        # The mentor as subject ("we planned") is no evidence about the mentee.
        "We planned twelve sessions and held seven.",
    ],
)
def test_the_learned_layer_does_not_flag_what_it_has_no_evidence_for(text):
    assert assess(text).verdict == PASS, assess(text).findings


@pytest.mark.parametrize(("text", "verdict"), IDIOMS)
def test_the_words_shown_for_a_learned_finding_are_content_words(text, verdict):
    (finding,) = assess(text).findings
    for word in finding.words:
        for piece in word.text.split():
            assert breach_model.is_content(piece.lower().strip(",;.")) or not piece.isalpha(), piece
    for ngram in finding.phrase.removeprefix("learned: ").split(", "):
        assert breach_model.says_something("u:" + ngram), ngram


def test_function_words_never_weigh_towards_a_breach():
    weights = json.loads(breach_model.WEIGHTS.read_text())["binary"]["weights"]
    towards = [key for key, w in weights.items() if w > 0]
    assert towards
    assert [key for key in towards if not breach_model.says_something(key)] == []


def test_training_sets_aside_the_mentors_own_clause_beside_a_verdict():
    from promotions.management.commands.breach_train import sentence_keys

    text = "Carol is the best engineer on the team, and I have watched her confidence grow."
    (as_breach,) = sentence_keys(text, breach_row=True)
    (as_written,) = sentence_keys(text)
    # The verdict is learned from its own clause: growth words are no evidence of a breach.
    assert "u:best" in as_breach
    assert {"u:watch", "u:confidenc", "u:grow"} <= set(as_written)
    assert not {"u:watch", "u:confidenc", "u:grow"} & set(as_breach)


def test_a_model_trained_in_process_is_read_while_it_is_in_use():
    from promotions.management.commands.breach_train import train

    text = IDIOMS[1][0]
    dev = sorted((Path(breach_model.__file__).parents[1] / "tests/data").glob("breach_corpus_d*"))
    # Trained on one batch only, the model has not learned this idiom.
    with breach_model.using(train(dev[:1])):
        assert assess(text).verdict == PASS
    assert assess(text).verdict == BLOCK


def test_folds_never_measure_the_held_out_split():
    for options in (["--split", "heldout"], ["--floor"], ["--check"]):
        with pytest.raises(CommandError, match="development batches only"):
            call_command("breach_eval", "--folds", *options, stdout=StringIO())
