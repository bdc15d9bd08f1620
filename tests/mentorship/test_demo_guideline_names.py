"""The demo guideline's worked examples name nobody: every pair reads the guideline, and an
example that calls a real mentee "disorganized and unprofessional" reads as a verdict on her."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from mentorship.demo import GUIDELINE, PEOPLE
from mentorship.models import Guideline

pytestmark = pytest.mark.django_db

NAMES = {
    word
    for username, (full_name, *_flags) in PEOPLE.items()
    for word in (username, *full_name.split())
}


def named_people(text: str) -> set[str]:
    words = set(re.findall(r"[A-Za-z]+", text))
    named = {name for name in NAMES if name.capitalize() in words or name in words}
    return named - {"admin", "Admin"}  # the superuser's login, and a word a guideline may use


def test_the_guideline_text_names_none_of_the_demo_people():
    for field, text in GUIDELINE.items():
        assert named_people(text) == set(), field


def test_the_examples_use_placeholders():
    examples = GUIDELINE["acceptable_examples"] + GUIDELINE["breach_examples"]
    assert "my mentee" in examples.lower()


def test_the_seeded_guideline_is_the_neutral_one():
    call_command("seed_demo", "--force")
    guideline = Guideline.objects.get()
    for text in (*guideline.acceptable_example_list(), *guideline.breach_example_list()):
        assert named_people(text) == set(), text
