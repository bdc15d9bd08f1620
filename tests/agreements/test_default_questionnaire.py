"""A new program starts with the default assumption questionnaire; program admins own it."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from agreements.defaults import DEFAULT_QUESTIONS
from agreements.models import Question
from tests.factories import ProgramFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def test_new_program_gets_the_default_questions_in_order():
    program = ProgramFactory()
    questions = list(Question.objects.filter(program=program))
    assert [q.text for q in questions] == [text for text, *_ in DEFAULT_QUESTIONS]
    assert all(q.is_active for q in questions)


def test_defaults_cover_the_topics_and_the_guideline_answers():
    program = ProgramFactory()
    by_text = {q.text: q for q in Question.objects.filter(program=program)}

    def find(fragment: str) -> Question:
        (match,) = [q for text, q in by_text.items() if fragment in text]
        return match

    assert find("stays between us").guideline_answer == "agree"
    assert find("growth and readiness").maps_to_term == Question.Term.ADVOCACY
    assert find("how often we met").maps_to_term == Question.Term.ENGAGEMENT
    assert find("take part in promotion").maps_to_term == Question.Term.PROMOTION
    performance = find("job performance")
    assert performance.guideline_answer == "disagree"
    assert "supervisor's role" in performance.guideline_note
    assert find("supervisor about our conversations").guideline_answer == "disagree"
    assert find("after our mentoring relationship ends").guideline_answer == "agree"


def test_defaults_are_created_once_per_program():
    program = ProgramFactory()
    program.description = "Edited"
    program.save()
    assert Question.objects.filter(program=program).count() == len(DEFAULT_QUESTIONS)


def test_programs_keep_their_own_questionnaire():
    first, second = ProgramFactory(), ProgramFactory()
    QuestionFactory(program=first, text="Only in the first program.")
    assert Question.objects.filter(program=first).count() == len(DEFAULT_QUESTIONS) + 1
    assert not Question.objects.filter(program=second, text="Only in the first program.").exists()


def test_data_migration_adds_the_defaults_to_programs_without_questions():
    migration = importlib.import_module("agreements.migrations.0003_default_questionnaire")
    bare, configured = ProgramFactory(), ProgramFactory()
    Question.objects.filter(program=bare).delete()
    Question.objects.filter(program=configured).exclude(order=10).delete()
    migration.add_defaults(apps, schema_editor=None)
    assert Question.objects.filter(program=bare).count() == len(DEFAULT_QUESTIONS)
    assert Question.objects.filter(program=configured).count() == 1  # left as configured
