"""A comment is kept with its answer: typed without one, it is refused, not dropped."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from agreements.models import Answer
from agreements.selectors import asked_questions
from agreements.services import COMMENT_NEEDS_ANSWER, questionnaire_save

pytestmark = pytest.mark.django_db


def post(client, pair, data):
    client.force_login(pair.mentor)
    return client.post(reverse("agreements:questionnaire", args=[pair.pk]), data)


def test_a_comment_without_an_answer_is_refused_and_kept(client, pair):
    first, second = list(asked_questions(pair))[:2]
    response = post(
        client,
        pair,
        {f"c_{first.pk}": "My private thought, typed.", f"q_{second.pk}": "agree", "save": "1"},
    )

    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "Your answers were not saved. Please check the fields below." in body
    assert "Pick an answer to keep your comment" in body
    assert "My private thought, typed." in body
    assert not Answer.objects.filter(pair=pair).exists()  # nothing half-saved


def test_with_its_answer_the_comment_is_saved(client, pair):
    question = asked_questions(pair).first()
    response = post(
        client, pair, {f"q_{question.pk}": "unsure", f"c_{question.pk}": "Ask me.", "save": "1"}
    )
    assert response.status_code == HTTPStatus.FOUND
    answer = Answer.objects.get(pair=pair, respondent=pair.mentor, question=question)
    assert (answer.value, answer.comment) == ("unsure", "Ask me.")


def test_the_service_refuses_it_too(pair):
    question = asked_questions(pair).first()
    with pytest.raises(ValidationError, match=COMMENT_NEEDS_ANSWER):
        questionnaire_save(
            pair_id=pair.pk, respondent=pair.mentor, answers={question.pk: ("", "Hmm.")}
        )
    # A blank comment beside a blank answer is just a question not yet answered.
    questionnaire_save(pair_id=pair.pk, respondent=pair.mentor, answers={question.pk: ("", " ")})
    assert not Answer.objects.filter(pair=pair).exists()
