"""Only the pair's two members see anything here. Everyone else, program admins included,
gets 404; the admin site shows states, dates and versions, never answers or text."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from agreements.models import Agreement
from tests.factories import ProgramFactory, QuestionFactory, UserFactory
from tests.factories.worlds import PASSWORD, answer_all, propose, sign

pytestmark = pytest.mark.django_db

COMMENT = "ANSWER-COMMENT-MARKER"
EXCEPTION = "EXCEPTION-TEXT-MARKER"
REASON = "END-REASON-MARKER"


@pytest.fixture
def history(pair):
    """An ended agreement (with reason) and an active one, with commented answers."""
    answer_all(pair, pair.mentor, comment=COMMENT)
    answer_all(pair, pair.mentee, comment=COMMENT)
    first = propose(pair, exceptions=EXCEPTION)
    sign(first, pair.mentor)
    sign(first, pair.mentee)
    from agreements.services import agreement_end

    agreement_end(agreement_id=first.pk, by=pair.mentor, reason=REASON)
    second = propose(pair, exceptions=EXCEPTION + " again")
    sign(second, pair.mentor)
    sign(second, pair.mentee)
    return first, second


def pages(pair, agreement):
    by_pair = ["pair", "questionnaire", "compare", "terms", "history"]
    by_agreement = ["detail", "print", "verify"]
    return [reverse(f"agreements:{n}", args=[pair.pk]) for n in by_pair] + [
        reverse(f"agreements:{n}", args=[agreement.pk]) for n in by_agreement
    ]


def posts(pair, agreement):
    return [
        (reverse("agreements:questionnaire", args=[pair.pk]), {"submit": ""}),
        (reverse("agreements:terms", args=[pair.pk]), {"confidentiality_scope": "strict"}),
        (
            reverse("agreements:sign", args=[agreement.pk]),
            {"typed_name": "x", "password": PASSWORD, "acknowledge": "on", "text_sha256": "x"},
        ),
        (reverse("agreements:end", args=[agreement.pk]), {"reason": "x"}),
    ]


@pytest.mark.parametrize("persona", ["outsider", "program_admin", "superuser"])
def test_everyone_but_the_pair_gets_404(client, pair, history, persona, outsider, program_admin):
    user = {
        "outsider": outsider,
        "program_admin": program_admin,
        "superuser": UserFactory(username="root", is_staff=True, is_superuser=True),
    }[persona]
    _ended, active = history
    client.force_login(user)
    for url in pages(pair, active):
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND, url
    for url, data in posts(pair, active):
        assert client.post(url, data).status_code == HTTPStatus.NOT_FOUND, url
    active.refresh_from_db()
    assert active.status == Agreement.Status.ACTIVE
    index = client.get(reverse("agreements:index")).content.decode()
    assert COMMENT not in index
    assert "You are not in any mentoring pair yet" in index


def test_members_reach_every_page(client, pair, history):
    _ended, active = history
    for member in (pair.mentor, pair.mentee):
        client.force_login(member)
        for url in pages(pair, active):
            assert client.get(url).status_code == HTTPStatus.OK, url


def test_anonymous_users_are_sent_to_login(client, pair, history):
    _ended, active = history
    for url in pages(pair, active):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("login"))


def admin_pages(history):
    ended, active = history
    signature = active.signatures.first()
    return [
        reverse("admin:agreements_agreement_changelist"),
        reverse("admin:agreements_agreement_change", args=[ended.pk]),
        reverse("admin:agreements_agreement_change", args=[active.pk]),
        reverse("admin:agreements_signature_changelist"),
        reverse("admin:agreements_signature_change", args=[signature.pk]),
        reverse("admin:agreements_question_changelist"),
        reverse("admin:agreements_agreement_changelist") + "?q=Lopez",
    ]


@pytest.mark.parametrize("persona", ["program_admin", "superuser"])
def test_admin_shows_states_and_dates_never_confidential_text(
    client, pair, history, persona, program_admin
):
    user = (
        program_admin
        if persona == "program_admin"
        else UserFactory(username="root", is_staff=True, is_superuser=True)
    )
    _ended, active = history
    client.force_login(user)
    for url in admin_pages(history):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        body = response.content.decode()
        for marker in (COMMENT, EXCEPTION, REASON, "CONFIDENTIALITY AGREEMENT BETWEEN"):
            assert marker not in body, (url, marker)
        assert active.text_sha256 not in body
    changelist = client.get(reverse("admin:agreements_agreement_changelist")).content.decode()
    assert "Ended" in changelist
    assert "Active" in changelist
    assert "v1" in changelist
    assert "Maria Lopez (" in changelist  # signer names with times


def test_admin_cannot_change_or_delete_agreements(client, history, program_admin):
    _ended, active = history
    client.force_login(program_admin)
    change = reverse("admin:agreements_agreement_change", args=[active.pk])
    page = client.get(change).content.decode()
    assert 'name="_save"' not in page
    response = client.post(change, {"status": "ended"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    delete = reverse("admin:agreements_agreement_delete", args=[active.pk])
    assert client.post(delete, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    assert client.get(reverse("admin:agreements_agreement_add")).status_code == (
        HTTPStatus.FORBIDDEN
    )
    active.refresh_from_db()
    assert active.status == Agreement.Status.ACTIVE


def test_program_admin_edits_the_questionnaire(client, pair, program_admin):
    client.force_login(program_admin)
    response = client.post(
        reverse("admin:agreements_question_add"),
        {
            "program": pair.program.pk,
            "order": 5,
            "text": "We meet at least monthly.",
            "guideline_answer": "",
            "guideline_note": "",
            "maps_to_term": "",
            "is_active": "on",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert pair.program.questions.filter(text="We meet at least monthly.").exists()


def test_answered_questions_cannot_be_reworded_or_deleted(client, pair, program_admin):
    answer_all(pair, pair.mentor)
    question = pair.program.questions.first()
    client.force_login(program_admin)
    page = client.get(reverse("admin:agreements_question_change", args=[question.pk]))
    assert 'name="text"' not in page.content.decode()


def test_the_question_form_does_not_tell_whether_anyone_answered(client, pair, program_admin):
    # It locks once the program has a pair who could answer, before and after any answer: a
    # form that locked the moment a pair saved a draft answer told the admin that they had.
    question = pair.program.questions.first()
    url = reverse("admin:agreements_question_change", args=[question.pk])
    client.force_login(program_admin)
    before = client.get(url).content.decode()
    answer_all(pair, pair.mentor, submit=False)
    after = client.get(url).content.decode()
    assert 'name="text"' not in before
    assert 'name="text"' not in after


def test_a_question_of_a_program_without_pairs_can_be_reworded(client, program_admin):
    question = QuestionFactory(program=ProgramFactory())
    client.force_login(program_admin)
    page = client.get(reverse("admin:agreements_question_change", args=[question.pk]))
    assert 'name="text"' in page.content.decode()
    delete = reverse("admin:agreements_question_delete", args=[question.pk])
    assert client.post(delete, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
