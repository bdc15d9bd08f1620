"""The PostgreSQL triggers the migrations install are the ones the guards generate today.

Each GuardTrigger compiles its body from the model's Guard; pgtrigger's migration autodetector
compares that compiled trigger with the one the migrations recorded. No pending change means
the database enforces exactly what the declaration says (the trigger walks on PostgreSQL, in
test_transitions.py and test_immutability_database.py, prove what that SQL does).
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from mentorship.immutability import GuardTrigger

pytestmark = pytest.mark.any_database


def guard_triggers():
    return [
        (model, trigger)
        for model in apps.get_models()
        for trigger in getattr(model._meta, "triggers", [])
        if isinstance(trigger, GuardTrigger)
    ]


def test_every_guarded_table_has_its_generated_trigger():
    tables = {model._meta.db_table for model, _ in guard_triggers()}
    assert {
        "agreements_agreement",
        "agreements_signature",
        "mentorship_guideline",
        "mentorship_pair",
        "promotions_promotionreview",
        "promotions_statement",
    } <= tables


@pytest.mark.parametrize(
    ("model", "trigger"), guard_triggers(), ids=lambda x: getattr(x, "name", "")
)
def test_a_compiled_trigger_refuses_in_the_guards_words(model, trigger):
    body = str(trigger.compile(model).sql)
    for rule in model.guard.frozen:
        if rule.update or rule.delete:
            assert rule.text(model).replace("'", "''") in body
    for moves in model.guard.transitions:
        assert f"{moves.noun} cannot go from % to %." in body


@pytest.mark.django_db
def test_no_trigger_or_constraint_differs_from_the_migrations():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())
