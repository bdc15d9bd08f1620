"""Personas and helpers for the agreement flow. Signed agreements are made through the real
services so their texts and hashes are exactly what signing produces."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agreements.models import Agreement, Question
from agreements.selectors import asked_questions
from tests.factories import PairFactory, PublishedGuidelineFactory, UserFactory
from tests.factories.worlds import PASSWORD, answer_all, propose, sign


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
    sign(proposal, proposal.pair.mentor, proposal.pair.mentee)
    proposal.refresh_from_db()
    assert proposal.status == Agreement.Status.ACTIVE
    return proposal
