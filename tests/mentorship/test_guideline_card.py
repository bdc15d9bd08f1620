"""The pair page's guideline card ({% guideline_card %}) is mentorship/_guideline.html for the
guideline given, rendered once per version's text: the same HTML as the include, for no
guideline too, and a new text (another version, or the same id with other words) is never
answered from another's card."""

from __future__ import annotations

import pytest
from django.template import engines
from django.template.loader import get_template

from tests.factories import PublishedGuidelineFactory

pytestmark = pytest.mark.django_db


def card(guideline) -> str:
    template = engines["django"].from_string("{% load markup %}{% guideline_card guideline %}")
    return template.render({"guideline": guideline})


def include(guideline) -> str:
    return get_template("mentorship/_guideline.html").render({"guideline": guideline})


def test_the_card_is_the_include():
    first = PublishedGuidelineFactory(
        version=1,
        title="Ours <b>",
        body="**Bold** and <script>x</script>",
        acceptable_examples="One\nTwo",
        breach_examples="Three",
    )
    second = PublishedGuidelineFactory(program=first.program, version=2, body="Other words")
    for guideline in (first, second, None, first):
        assert card(guideline) == include(guideline)
    assert "Other words" in card(second)
    assert "Other words" not in card(first)
    first.body = "Changed words"  # never for a published version; the card follows the text
    assert card(first) == include(first)
    assert "Changed words" in card(first)
