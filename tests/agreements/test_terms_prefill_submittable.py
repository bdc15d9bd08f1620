"""The terms form pre-filled from both answers can be sent as it is, and a refused combination
of terms is explained beside the field it is about (not only at the top of the page)."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from agreements.models import Agreement, Answer, Question
from tests.agreements.conftest import question
from tests.factories.worlds import answer_all, propose

pytestmark = pytest.mark.django_db


def answered_advocacy_yes_participation_no(pair):
    """Maria and Carol both agree to advocacy statements, both refuse the mentor's part in
    promotion discussions: the combination the issue reported."""
    overrides = {
        question(pair, Question.Term.ADVOCACY).pk: (Answer.Value.AGREE, ""),
        question(pair, Question.Term.PROMOTION).pk: (Answer.Value.DISAGREE, ""),
    }
    for person in (pair.mentor, pair.mentee):
        answer_all(pair, person, overrides=overrides)


def prefilled_post_data(response) -> dict:
    """What the browser sends when the user submits the pre-filled form untouched."""
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.get_initial_for_field(field, name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    return data


def test_the_prefilled_form_is_accepted_as_it_is(client, pair):
    answered_advocacy_yes_participation_no(pair)
    client.force_login(pair.mentor)
    url = reverse("agreements:terms", args=[pair.pk])
    page = client.get(url)
    assert "statements start unticked" in page.content.decode()

    response = client.post(url, prefilled_post_data(page))

    assert response.status_code == HTTPStatus.FOUND
    proposal = Agreement.objects.get(pair=pair)
    assert proposal.status == Agreement.Status.AWAITING_SIGNATURES
    assert not proposal.allows_advocacy
    assert not proposal.allows_promotion_participation


def field_error_beside(body: str, field: str) -> str:
    """The error text crispy renders under the field with this name (its invalid-feedback)."""
    match = re.search(
        rf'name="{field}".*?<(?:span|div|p) id="error_\d+_id_{field}"[^>]*>\s*(?:<strong>)?(.*?)<',
        body,
        re.S,
    )
    return match.group(1) if match else ""


def test_a_refused_combination_is_shown_beside_its_field(client, answered):
    client.force_login(answered.mentor)
    response = client.post(
        reverse("agreements:terms", args=[answered.pk]),
        {"confidentiality_scope": "agreed_exceptions", "allows_advocacy": "on"},
    )
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "only used in promotion discussions" in field_error_beside(
        body, "allows_promotion_participation"
    )
    assert 'href="#id_allows_promotion_participation"' in body  # the summary links to it
    assert not Agreement.objects.filter(pair=answered).exists()
    # Nothing typed is lost: the ticked box is still ticked.
    assert response.context["form"].data["allows_advocacy"] == "on"


def test_strict_with_participation_is_refused_beside_the_scope(client, answered):
    client.force_login(answered.mentee)
    response = client.post(
        reverse("agreements:terms", args=[answered.pk]),
        {"confidentiality_scope": "strict", "allows_promotion_participation": "on"},
    )
    assert response.status_code == HTTPStatus.OK
    assert "Strict confidentiality" in " ".join(
        response.context["form"].errors["confidentiality_scope"]
    )
    assert not Agreement.objects.filter(pair=answered).exists()


def test_the_service_refuses_the_combination_too(answered):
    with pytest.raises(ValidationError) as refused:
        propose(
            answered,
            confidentiality_scope="agreed_exceptions",
            allows_promotion_participation=False,
            allows_advocacy=True,
            allows_engagement=False,
        )
    assert "allows_promotion_participation" in refused.value.error_dict
