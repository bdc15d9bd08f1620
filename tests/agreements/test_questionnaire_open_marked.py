"""Submitting with statements still open marks each one beside itself, the summary at the top
links to each, and nothing already answered is lost."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from agreements.models import Answer, QuestionnaireSubmission
from agreements.selectors import asked_questions

pytestmark = pytest.mark.django_db


def test_each_open_statement_is_marked_and_linked(client, pair):
    questions = list(asked_questions(pair))
    answered, still_open = questions[0], questions[1:]
    assert still_open
    client.force_login(pair.mentee)
    data = {"submit": "Submit"}
    for q in questions:
        data[f"q_{q.pk}"] = Answer.Value.AGREE if q == answered else ""
        data[f"c_{q.pk}"] = "Why I think so." if q == answered else ""

    response = client.post(reverse("agreements:questionnaire", args=[pair.pk]), data)

    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert f"({len(still_open)} still open)" in body
    form = response.context["form"]
    for q in still_open:
        assert form.errors[f"q_{q.pk}"] == ["Answer this statement before you submit."]
        assert f'href="#id_q_{q.pk}_0"' in body  # the summary links to it
        assert f'id="id_q_{q.pk}_error"' in body  # and it is marked beside the statement
    assert f"q_{answered.pk}" not in form.errors
    assert f'id="id_q_{answered.pk}_error"' not in body
    # What was answered is saved and still shown as given.
    assert Answer.objects.get(pair=pair, respondent=pair.mentee, question=answered).comment
    assert "Why I think so." in body
    assert not QuestionnaireSubmission.objects.filter(pair=pair).exists()


def test_saving_a_draft_marks_nothing(client, pair):
    (first, *_rest) = asked_questions(pair)
    client.force_login(pair.mentee)
    response = client.post(
        reverse("agreements:questionnaire", args=[pair.pk]),
        {"save": "Save", f"q_{first.pk}": Answer.Value.AGREE},
    )
    assert response.status_code == HTTPStatus.FOUND
    page = client.get(response["Location"])
    assert "before you submit" not in page.content.decode()


def test_an_outsider_cannot_submit_or_see_which_are_open(client, pair, outsider):
    client.force_login(outsider)
    response = client.post(
        reverse("agreements:questionnaire", args=[pair.pk]), {"submit": "Submit"}
    )
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not Answer.objects.filter(pair=pair).exists()
