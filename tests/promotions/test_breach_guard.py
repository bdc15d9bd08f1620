"""The breach guard: employee-role evaluation cannot be sent to the mentee."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from promotions.breach import find_breaches
from promotions.models import Statement
from promotions.services import BreachError, statement_submit
from tests.factories import BreachPhraseFactory

CAROL_ACCEPTABLE = (
    "Carol and I weren\u2019t able to meet as frequently as we had hoped. "
    "She didn\u2019t complete the project we had begun work on during our mentoring "
    "relationship, so I am not able to "
    "offer a reliable picture of how Carol might lead the new project team."
)
CAROL_BREACH = (
    "Carol was completely disorganized and unprofessional about how she approached her project "
    "and I don\u2019t see that she has the skills sets you are looking for."
)


def test_the_source_documents_acceptable_sentence_passes():
    assert find_breaches(CAROL_ACCEPTABLE) == []


def test_the_source_documents_breach_sentence_is_blocked_with_every_phrase():
    found = [f.found for f in find_breaches(CAROL_BREACH)]
    assert found == ["disorganized", "unprofessional", "skills sets you are looking for"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("She is DISORGANIZED.", "DISORGANIZED"),
        ("Frankly, unprofessional!", "unprofessional"),
        ("He lacks  the\nskills for it.", "lacks  the\nskills"),
        ("She lacks the skill needed.", "lacks the skill"),
        ("A poor performer, sadly.", "poor performer"),
        ("a poor-performer", "poor-performer"),
        ("I think she is not ready to lead.", "not ready to lead"),
        ("not ready, to lead", "not ready, to lead"),
        ("the skill set you are looking for", "skill set you are looking for"),
        ("the skillsets you\u2019re looking for", "skillsets you\u2019re looking for"),
    ],
)
def test_phrases_match_case_insensitively_and_tolerate_punctuation(text, found):
    assert [f.found for f in find_breaches(text)] == [found]


@pytest.mark.parametrize(
    "text",
    [
        "She is well organized.",  # not "disorganized"
        "We organized a professional development plan.",
        "The lazyload feature she built.",  # word boundary: "lazy" only as a word
        "Our meetings were reliable and I am ready to lead my own team one day.",
        "I've seen a lot of growth in Mary over the past year.",
    ],
)
def test_innocent_text_passes(text):
    assert find_breaches(text) == []


def test_program_phrases_are_matched_with_their_explanation():
    findings = find_breaches(
        "Honestly, not a team player.", [("not a team player", "Judges teamwork at work.")]
    )
    assert [(f.found, f.explanation, f.source) for f in findings] == [
        ("not a team player", "Judges teamwork at work.", "program")
    ]


def test_the_service_refuses_to_send_a_flagged_statement(world):
    statement = world.statement(text=CAROL_BREACH)
    with pytest.raises(BreachError) as refused:
        statement_submit(statement_id=statement.pk, mentor=world.mentor)
    assert {f.found for f in refused.value.findings} >= {"disorganized", "unprofessional"}
    statement.refresh_from_db()
    assert statement.state == Statement.State.DRAFT


def test_the_service_refuses_a_program_phrase(world):
    BreachPhraseFactory(program=world.program, phrase="not a team player")
    statement = world.statement(text="Carol is not a Team-Player at all.")
    with pytest.raises(BreachError):
        statement_submit(statement_id=statement.pk, mentor=world.mentor)
    statement.refresh_from_db()
    assert statement.state == Statement.State.DRAFT


def test_the_acceptable_sentence_goes_to_the_mentee(world):
    statement = world.statement(kind="engagement", text=CAROL_ACCEPTABLE)
    statement_submit(statement_id=statement.pk, mentor=world.mentor)
    statement.refresh_from_db()
    assert statement.state == Statement.State.AWAITING_CONSENT


def test_the_mentor_sees_the_words_why_and_the_guideline_examples(world, client):
    statement = world.statement(text=CAROL_BREACH)
    client.force_login(world.mentor)

    response = client.post(reverse("promotions:statement_submit", args=[statement.pk]))
    page = client.get(response["Location"])

    body = page.content.decode()
    assert "It was not sent" in body
    assert "\u201cdisorganized\u201d" in body
    assert "\u201cunprofessional\u201d" in body
    assert "supervisor&#x27;s performance assessment" in body  # the why
    assert "I&#x27;ve seen a lot of growth in Mary over the past year." in body  # acceptable
    assert "Carol was completely disorganized and unprofessional." in body  # breach example
    statement.refresh_from_db()
    assert statement.state == Statement.State.DRAFT


def test_save_and_ask_for_consent_keeps_a_flagged_draft(world, client):
    client.force_login(world.mentor)
    url = reverse("promotions:statement_new", args=[world.review.pk, "advocacy"])

    response = client.post(url, {"text": CAROL_BREACH, "action": "Save and ask for consent"})

    assert response.status_code == HTTPStatus.FOUND
    statement = Statement.objects.get(review=world.review)
    assert statement.state == Statement.State.DRAFT
    page = client.get(response["Location"])
    assert "Your draft was saved. It was not sent" in page.content.decode()
    assert b"Ask Carol Chen for consent" not in page.content  # no send button while flagged
