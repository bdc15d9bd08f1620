"""Where the pair is: the index, the pair page's steps, the summary card and attention items."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.template import Context, Template
from django.urls import reverse

from agreements.selectors import agreement_attention, pair_flow
from tests.factories import PairFactory
from tests.factories.worlds import answer_all, propose, sign

pytestmark = pytest.mark.django_db


def current_step(flow) -> str:
    (step,) = [s["key"] for s in flow.steps if s["state"] == "current"] or ["active"]
    return step


def test_steps_follow_the_flow(pair):
    mentor, mentee = pair.mentor, pair.mentee
    flow = pair_flow(pair, mentor)
    assert current_step(flow) == "questionnaire"
    assert flow.next_action == "Answer the confidentiality questionnaire"
    assert flow.waiting_for_partner == "Carol Chen has not submitted their answers yet."

    answer_all(pair, mentor)
    flow = pair_flow(pair, mentor)
    assert flow.next_action == ""
    assert "Carol Chen has not submitted" in flow.waiting_for_partner

    answer_all(pair, mentee)
    flow = pair_flow(pair, mentee)
    assert current_step(flow) == "compare"
    assert [s["state"] for s in flow.steps[:2]] == ["done", "current"]

    agreement = propose(pair)
    flow = pair_flow(pair, mentee)
    assert current_step(flow) == "sign"
    assert flow.next_action == "Review and sign the proposed terms"
    sign(agreement, mentee)
    flow = pair_flow(pair, mentee)
    assert flow.next_action == ""
    assert flow.waiting_for_partner == "Maria Lopez still has to sign the proposed terms."

    sign(agreement, mentor)
    flow = pair_flow(pair, mentee)
    assert flow.step == "active"
    assert all(s["state"] == "done" for s in flow.steps)


def test_attention_items_for_each_step(pair):
    (item,) = agreement_attention(pair.mentee)
    assert item.url == reverse("agreements:questionnaire", args=[pair.pk])
    answer_all(pair, pair.mentor)
    answer_all(pair, pair.mentee)
    (item,) = agreement_attention(pair.mentor)
    assert item.url == reverse("agreements:compare", args=[pair.pk])
    agreement = propose(pair)
    (item,) = agreement_attention(pair.mentor)
    assert "await your signature" in item.message
    assert item.url == reverse("agreements:detail", args=[agreement.pk])


def test_dashboard_shows_agreement_attention(client, pair):
    client.force_login(pair.mentee)
    body = client.get(reverse("mentorship:dashboard")).content.decode()
    assert "Answer the confidentiality questionnaire for your pair with Maria Lopez." in body


def test_summary_tag_renders_the_card_for_members_only(pair, outsider):
    template = Template("{% load agreements_tags %}{% agreement_summary pair user %}")
    card = template.render(Context({"pair": pair, "user": pair.mentor}))
    assert "Confidentiality agreement" in card
    assert "Answer the confidentiality questionnaire" in card
    assert reverse("agreements:questionnaire", args=[pair.pk]) in card
    assert template.render(Context({"pair": pair, "user": outsider})).strip() == ""


def test_index_lists_the_users_pairs(client, pair, mentor):
    other = PairFactory(mentee=mentor)
    client.force_login(mentor)
    response = client.get(reverse("agreements:index"))
    assert response.status_code == HTTPStatus.OK
    assert [f.pair for f in response.context["flows"]] == list(
        type(pair).objects.visible_to(mentor)
    )
    body = response.content.decode()
    assert "Mentoring Carol Chen" in body
    assert f"Mentored by {other.mentor}" in body


def test_pair_page_query_budget(client, active_agreement, django_assert_max_num_queries):
    pair = active_agreement.pair
    client.force_login(pair.mentor)
    # session, user, pair (+program, people); flow: submissions, open/active agreements,
    # current guideline; history: agreements (+guideline, ended_by), signatures, signers;
    # the session's idle-timeout refresh: savepoint, update, release.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("agreements:pair", args=[pair.pk]))
    assert response.status_code == HTTPStatus.OK


def test_agreement_page_query_budget(client, active_agreement, django_assert_max_num_queries):
    client.force_login(active_agreement.pair.mentee)
    # session, user, agreement (+pair, program, people); flow: submissions, published
    # guidelines, open/active agreements; signatures (their signers are the pair's people;
    # they also answer "is it signed" for the print link); the session's idle-timeout
    # refresh: savepoint, update, release.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("agreements:detail", args=[active_agreement.pk]))
    assert response.status_code == HTTPStatus.OK


def test_inactive_pair_offers_no_next_step(pair):
    pair.status = "ended"
    pair.save()
    flow = pair_flow(pair, pair.mentor)
    assert flow.next_action == ""
    assert list(agreement_attention(pair.mentor)) == []
