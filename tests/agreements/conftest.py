"""Personas and helpers for the agreement flow. Signed agreements are made through the real
services so their texts and hashes are exactly what signing produces."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agreements.models import Agreement, Answer, Question
from agreements.selectors import asked_questions
from agreements.services import agreement_propose, agreement_sign, questionnaire_answer
from tests.factories import (
    PairFactory,
    PublishedGuidelineFactory,
    UserFactory,
)

PASSWORD = "pw"  # UserFactory's password

OPEN_TERMS = {
    "confidentiality_scope": Agreement.Scope.AGREED_EXCEPTIONS,
    "allows_promotion_participation": True,
    "allows_advocacy": True,
    "allows_engagement": True,
    "exceptions": "",
}


@pytest.fixture
def mentor():
    return UserFactory(username="mentor", full_name="Maria Lopez")


@pytest.fixture
def mentee():
    return UserFactory(username="mentee", full_name="Carol Chen")


@pytest.fixture
def outsider():
    return UserFactory(username="outsider", full_name="Otto Outsider")


@pytest.fixture
def pair(mentor, mentee):
    pair = PairFactory(mentor=mentor, mentee=mentee)
    PublishedGuidelineFactory(program=pair.program, version=1)
    return pair


def question(pair, term: str) -> Question:
    return asked_questions(pair).get(maps_to_term=term)


def answer_all(pair, person, *, overrides=None, comment="", submit=True) -> None:
    """Answer every statement (the guideline's answer, or agree), optionally submit."""
    answers = {
        q.pk: (q.guideline_answer or Answer.Value.AGREE, comment) for q in asked_questions(pair)
    }
    answers.update(overrides or {})
    questionnaire_answer(pair_id=pair.pk, respondent=person, answers=answers, submit=submit)


def propose(pair, by=None, **terms) -> Agreement:
    return agreement_propose(pair_id=pair.pk, by=by or pair.mentor, **{**OPEN_TERMS, **terms})


def sign(agreement: Agreement, person) -> None:
    agreement_sign(
        agreement_id=agreement.pk,
        signer=person,
        typed_name=person.full_name,
        password=PASSWORD,
        text_sha256=agreement.text_sha256,
    )


def sign_through_page(client, agreement, person, *, address="10.0.0.7", **overrides):
    """Sign on the agreement's page as `person` would, from a browser at `address`."""
    client.force_login(person)
    data = {
        "text_sha256": agreement.text_sha256,
        "acknowledge": "on",
        "typed_name": person.full_name,
        "password": PASSWORD,
        **overrides,
    }
    return client.post(
        reverse("agreements:sign", args=[agreement.pk]),
        data,
        HTTP_USER_AGENT="TestBrowser/1.0",
        REMOTE_ADDR=address,
    )


@pytest.fixture
def answered(pair):
    answer_all(pair, pair.mentor)
    answer_all(pair, pair.mentee)
    return pair


@pytest.fixture
def proposal(answered):
    return propose(answered)


@pytest.fixture
def active_agreement(proposal):
    sign(proposal, proposal.pair.mentor)
    sign(proposal, proposal.pair.mentee)
    proposal.refresh_from_db()
    assert proposal.status == Agreement.Status.ACTIVE
    return proposal
