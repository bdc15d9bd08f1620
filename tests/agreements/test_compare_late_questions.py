"""A statement one of the pair never answered (added to the questionnaire after they submitted,
or retired before the other answered) is put on the agenda, never shown as agreed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agreements.models import Question
from agreements.selectors import answer_comparison, terms_prefill
from tests.factories.worlds import answer_all

pytestmark = pytest.mark.django_db


def row_for(pair, viewer, question):
    return next(r for r in answer_comparison(pair, viewer) if r.question.pk == question.pk)


def test_a_statement_added_after_both_submitted_is_a_topic(client, answered):
    pair = answered
    prefill_before = terms_prefill(pair, pair.mentor)
    late = Question.objects.create(
        program=pair.program,
        order=99,
        text="My mentor may comment on my performance.",
        guideline_answer="disagree",
        maps_to_term=Question.Term.ADVOCACY,
    )

    row = row_for(pair, pair.mentor, late)
    assert (row.mentor, row.mentee) == (None, None)
    assert row.not_answered
    assert row.on_agenda
    assert not row.mismatch

    client.force_login(pair.mentor)
    body = client.get(reverse("agreements:compare", args=[pair.pk])).content.decode()
    cell = body.split("My mentor may comment on my performance.")[1].split("</tr>")[0]
    assert "Not answered by you both" in cell
    assert "Agreed" not in cell
    # No answers, so nothing for the terms' prefill to go on.
    assert terms_prefill(pair, pair.mentor) == prefill_before


def test_a_statement_retired_between_the_two_submissions_is_not_a_difference(pair):
    retired = Question.objects.create(program=pair.program, order=98, text="Retired soon.")
    answer_all(pair, pair.mentor)
    retired.is_active = False
    retired.save(update_fields=["is_active"])
    answer_all(pair, pair.mentee)

    row = row_for(pair, pair.mentee, retired)
    assert row.mentor is not None
    assert row.mentee is None
    assert not row.mismatch
    assert row.not_answered
    assert row.on_agenda


def test_both_answers_the_same_is_still_agreed(answered):
    pair = answered
    rows = [r for r in answer_comparison(pair, pair.mentor) if not r.on_agenda]
    assert rows, "the fixture's answers agree somewhere"
    assert all(not r.not_answered for r in rows)
