"""The side-by-side view highlights mismatches and answers contradicting the guideline, and
the terms start from what both answered the same way."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agreements.models import Agreement, Answer, Question
from agreements.selectors import answer_comparison, asked_questions, terms_prefill
from tests.agreements.conftest import question
from tests.factories.worlds import answer_all

pytestmark = pytest.mark.django_db


def performance_question(pair) -> Question:
    return asked_questions(pair).get(text__contains="job performance")


def test_mismatch_contradiction_and_unsure_are_flagged(pair):
    performance = performance_question(pair)
    advocacy = question(pair, Question.Term.ADVOCACY)
    engagement = question(pair, Question.Term.ENGAGEMENT)
    # Mentor thinks they may comment on performance (the guideline says no); the mentee does
    # not want advocacy; both are unsure about engagement statements.
    answer_all(
        pair,
        pair.mentor,
        overrides={performance.pk: ("agree", ""), engagement.pk: ("unsure", "")},
    )
    answer_all(
        pair,
        pair.mentee,
        overrides={advocacy.pk: ("disagree", ""), engagement.pk: ("unsure", "")},
    )
    rows = {row.question.pk: row for row in answer_comparison(pair, pair.mentor)}

    assert rows[performance.pk].mismatch
    assert rows[performance.pk].mentor_contradicts
    assert not rows[performance.pk].mentee_contradicts

    assert rows[advocacy.pk].mismatch
    assert not rows[advocacy.pk].contradicts  # the guideline leaves it to the pair

    assert not rows[engagement.pk].mismatch
    assert rows[engagement.pk].unsure

    agenda = {pk for pk, row in rows.items() if row.on_agenda}
    assert agenda == {performance.pk, advocacy.pk, engagement.pk}


def test_same_answer_against_the_guideline_is_still_on_the_agenda(pair):
    performance = performance_question(pair)
    answer_all(pair, pair.mentor, overrides={performance.pk: ("agree", "")})
    answer_all(pair, pair.mentee, overrides={performance.pk: ("agree", "")})
    row = next(r for r in answer_comparison(pair, pair.mentee) if r.question == performance)
    assert not row.mismatch
    assert row.mentor_contradicts
    assert row.mentee_contradicts
    assert row.on_agenda


def test_comparison_page_marks_rows(client, pair):
    performance = performance_question(pair)
    answer_all(pair, pair.mentor, overrides={performance.pk: ("agree", "")})
    answer_all(pair, pair.mentee)
    client.force_login(pair.mentee)
    body = client.get(reverse("agreements:compare", args=[pair.pk])).content.decode()
    assert body.count('class="contradicts"') == 1
    assert "Contradicts the guideline" in body
    assert "that is the supervisor&#x27;s role" in body
    assert "1 topic" in body


def test_terms_prefilled_where_both_agree(pair):
    advocacy = question(pair, Question.Term.ADVOCACY)
    answer_all(pair, pair.mentor)  # agrees to everything open
    answer_all(pair, pair.mentee, overrides={advocacy.pk: (Answer.Value.UNSURE, "")})
    initial = terms_prefill(pair, pair.mentor)
    assert initial[Question.Term.PROMOTION] is True
    assert initial[Question.Term.ENGAGEMENT] is True
    assert Question.Term.ADVOCACY not in initial  # not agreed: left for the conversation
    assert initial["confidentiality_scope"] == Agreement.Scope.AGREED_EXCEPTIONS


def test_terms_prefill_is_strict_when_both_say_no(pair):
    noes = {question(pair, term).pk: (Answer.Value.DISAGREE, "") for term in Question.Term.values}
    answer_all(pair, pair.mentor, overrides=noes)
    answer_all(pair, pair.mentee, overrides=noes)
    initial = terms_prefill(pair, pair.mentee)
    assert initial["confidentiality_scope"] == Agreement.Scope.STRICT
    assert not any(initial[term] for term in Question.Term.values)
