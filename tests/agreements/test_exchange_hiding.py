"""Answers are private until both members have submitted; submitting locks your answers."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from agreements.models import Answer, QuestionnaireSubmission
from agreements.selectors import answer_comparison, asked_questions
from tests.factories.worlds import answer_all

pytestmark = pytest.mark.django_db

MENTOR_SECRET = "MENTOR-PRIVATE-COMMENT"
MENTEE_SECRET = "MENTEE-PRIVATE-COMMENT"


def test_partner_answers_hidden_until_both_submitted(client, pair):
    answer_all(pair, pair.mentor, comment=MENTOR_SECRET)  # submitted
    answer_all(pair, pair.mentee, comment=MENTEE_SECRET, submit=False)  # draft only

    # The queryset is the rule: each sees only their own answers.
    assert set(Answer.objects.visible_to(pair.mentee).values_list("respondent", flat=True)) == {
        pair.mentee.pk
    }
    assert set(Answer.objects.visible_to(pair.mentor).values_list("respondent", flat=True)) == {
        pair.mentor.pk
    }
    assert answer_comparison(pair, pair.mentee) is None
    assert answer_comparison(pair, pair.mentor) is None

    # And so do the pages.
    for viewer, hidden in ((pair.mentee, MENTOR_SECRET), (pair.mentor, MENTEE_SECRET)):
        client.force_login(viewer)
        for name in ("compare", "questionnaire", "pair", "terms"):
            response = client.get(reverse(f"agreements:{name}", args=[pair.pk]))
            assert response.status_code == HTTPStatus.OK
            assert hidden not in response.content.decode()


def test_both_submitted_shows_both_side_by_side(client, pair):
    answer_all(pair, pair.mentor, comment=MENTOR_SECRET)
    answer_all(pair, pair.mentee, comment=MENTEE_SECRET)
    client.force_login(pair.mentee)
    body = client.get(reverse("agreements:compare", args=[pair.pk])).content.decode()
    assert MENTOR_SECRET in body
    assert MENTEE_SECRET in body
    assert len(Answer.objects.visible_to(pair.mentee)) == 2 * asked_questions(pair).count()


def test_answers_from_another_pair_never_show(pair, mentor):
    from tests.factories import PairFactory

    other = PairFactory(mentor=mentor)
    answer_all(other, other.mentor)
    answer_all(other, other.mentee, comment="OTHER-PAIR-SECRET")
    # The mentor of both pairs sees the other pair's answers only for that pair.
    answer_all(pair, pair.mentor)
    assert not Answer.objects.visible_to(pair.mentee).filter(pair=other).exists()
    assert answer_comparison(pair, pair.mentor) is None


def test_saving_a_draft_keeps_answers_editable_and_unsubmitted(client, pair):
    first = asked_questions(pair).first()
    client.force_login(pair.mentor)
    url = reverse("agreements:questionnaire", args=[pair.pk])
    response = client.post(
        url, {f"q_{first.pk}": "unsure", f"c_{first.pk}": "thinking", "save": ""}
    )
    assert response.status_code == HTTPStatus.FOUND
    client.post(url, {f"q_{first.pk}": "agree", f"c_{first.pk}": "decided", "save": ""})
    answer = Answer.objects.get(pair=pair, respondent=pair.mentor, question=first)
    assert (answer.value, answer.comment) == ("agree", "decided")
    assert not QuestionnaireSubmission.objects.filter(pair=pair).exists()


def test_submit_needs_every_statement_answered(client, pair):
    first = asked_questions(pair).first()
    client.force_login(pair.mentor)
    url = reverse("agreements:questionnaire", args=[pair.pk])
    response = client.post(url, {f"q_{first.pk}": "agree", "submit": ""})
    assert response.status_code == HTTPStatus.OK
    assert "Answer every statement before submitting" in response.content.decode()
    assert not QuestionnaireSubmission.objects.filter(pair=pair).exists()
    # What was answered so far is kept.
    assert Answer.objects.filter(pair=pair, respondent=pair.mentor).count() == 1


def test_submitted_answers_are_locked(client, pair):
    answer_all(pair, pair.mentor, comment="original")
    first = asked_questions(pair).first()
    client.force_login(pair.mentor)
    response = client.post(
        reverse("agreements:questionnaire", args=[pair.pk]),
        {f"q_{first.pk}": "disagree", f"c_{first.pk}": "changed", "save": ""},
        follow=True,
    )
    assert "already submitted and can no longer change" in response.content.decode()
    assert Answer.objects.get(pair=pair, respondent=pair.mentor, question=first).comment == (
        "original"
    )
    with pytest.raises(ValidationError):
        answer_all(pair, pair.mentor)
    assert QuestionnaireSubmission.objects.filter(pair=pair, respondent=pair.mentor).count() == 1


def test_visible_to_is_the_rule_for_every_submission_state(mentor, outsider):
    """One person in pairs at every stage of the exchange: the queryset returns exactly the
    answers the rule allows (own always; a partner's once both submitted), chained either way."""
    from tests.factories import AnswerFactory, PairFactory, QuestionnaireSubmissionFactory

    both = PairFactory(mentor=mentor)
    only_mentor = PairFactory(mentor=mentor)
    only_partner = PairFactory(mentee=mentor)
    neither = PairFactory(mentor=mentor)
    strangers = PairFactory()
    submitted = {
        (both, both.mentor),
        (both, both.mentee),
        (only_mentor, only_mentor.mentor),
        (only_partner, only_partner.mentor),
        (strangers, strangers.mentor),
        (strangers, strangers.mentee),
        (both, outsider),  # cannot happen through the services; membership still decides
    }
    for pair in (both, only_mentor, only_partner, neither, strangers):
        for person in (pair.mentor, pair.mentee):
            AnswerFactory.create_batch(2, pair=pair, respondent=person)
    for pair, person in submitted:
        QuestionnaireSubmissionFactory(pair=pair, respondent=person)

    def allowed(viewer, answer) -> bool:
        pair = answer.pair
        return answer.respondent_id == viewer.pk or (
            viewer.pk in (pair.mentor_id, pair.mentee_id)
            and (pair, viewer) in submitted
            and (pair, answer.respondent) in submitted
        )

    everyone = list(Answer.objects.select_related("pair", "respondent"))
    viewers = {mentor, outsider, *(p.mentee for p in (both, only_mentor, neither, strangers))}
    viewers.add(only_partner.mentor)
    for viewer in viewers:
        expected = {a.pk for a in everyone if allowed(viewer, a)}
        assert set(Answer.objects.visible_to(viewer).values_list("pk", flat=True)) == expected
        for pair in (both, only_mentor, only_partner, strangers):
            in_pair = {a.pk for a in everyone if a.pair_id == pair.pk and a.pk in expected}
            scoped_then_filtered = Answer.objects.visible_to(viewer).filter(pair=pair)
            filtered_then_scoped = Answer.objects.filter(pair=pair).visible_to(viewer)
            assert {a.pk for a in scoped_then_filtered} == in_pair
            assert {a.pk for a in filtered_then_scoped} == in_pair
    # The mentor sees: own 8, both partners' 2 in `both`; nothing of the others' partners.
    assert Answer.objects.visible_to(mentor).count() == 10
    assert not Answer.objects.visible_to(outsider).exists()
