"""Saving the questionnaire: new answers are added, changed ones overwritten in place, blanks
skipped, anything invalid refused with nothing saved; one write for the whole questionnaire."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import Answer
from agreements.selectors import asked_questions
from agreements.services import questionnaire_save

pytestmark = pytest.mark.django_db


def saved(pair, person) -> dict[int, tuple[str, str]]:
    rows = Answer.objects.filter(pair=pair, respondent=person)
    return {a.question_id: (a.value, a.comment) for a in rows}


def test_new_answers_are_added_and_changed_ones_overwritten_in_place(pair):
    first, second, third = list(asked_questions(pair))[:3]
    questionnaire_save(
        pair_id=pair.pk,
        respondent=pair.mentor,
        answers={first.pk: ("agree", "  sure  \r\n"), second.pk: ("", "")},  # not yet
    )
    assert saved(pair, pair.mentor) == {first.pk: ("agree", "sure")}
    before = Answer.objects.get(pair=pair, respondent=pair.mentor, question=first)

    questionnaire_save(
        pair_id=pair.pk,
        respondent=pair.mentor,
        answers={first.pk: ("disagree", "changed my mind"), third.pk: ("unsure", "")},
    )
    assert saved(pair, pair.mentor) == {
        first.pk: ("disagree", "changed my mind"),
        third.pk: ("unsure", ""),
    }
    after = Answer.objects.get(pair=pair, respondent=pair.mentor, question=first)
    assert after.pk == before.pk
    assert after.updated_at > before.updated_at
    # The partner's answers are theirs: nothing of the mentor's save lands there.
    assert saved(pair, pair.mentee) == {}


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"question": "other", "value": "agree"}, "not part of this questionnaire"),
        ({"question": "asked", "value": "maybe"}, "agree, disagree or unsure"),
    ],
)
def test_anything_invalid_saves_nothing(pair, program_admin, bad, message):
    from tests.factories import QuestionFactory

    first, second = list(asked_questions(pair))[:2]
    questionnaire_save(pair_id=pair.pk, respondent=pair.mentee, answers={first.pk: ("agree", "")})
    target = QuestionFactory().pk if bad["question"] == "other" else second.pk
    with pytest.raises(ValidationError, match=message):
        questionnaire_save(
            pair_id=pair.pk,
            respondent=pair.mentee,
            answers={first.pk: ("disagree", "edited"), target: (bad["value"], "")},
        )
    assert saved(pair, pair.mentee) == {first.pk: ("agree", "")}


def test_the_query_count_does_not_grow_with_the_questions(pair):
    questions = list(asked_questions(pair))
    assert len(questions) > 3

    def save(person, how_many: int) -> list[str]:
        answers = {q.pk: ("agree", "") for q in questions[:how_many]}
        with CaptureQueriesContext(connection) as captured:
            questionnaire_save(pair_id=pair.pk, respondent=person, answers=answers)
        return [q["sql"].split()[0] for q in captured.captured_queries]

    # Savepoint, locked pair (with program and members), the submission check, the asked
    # questions, one INSERT ... ON CONFLICT, release: the same for one question or all.
    assert (
        save(pair.mentor, 1)
        == save(pair.mentee, len(questions))
        == ["SAVEPOINT", "SELECT", "SELECT", "SELECT", "INSERT", "RELEASE"]
    )
