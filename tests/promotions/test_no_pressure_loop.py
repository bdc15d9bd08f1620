"""Issue 12, channel 9: no pressure loop around consent.

A declined statement is final: the mentor may write a new one, but not edit the declined one and
ask again. Declining, the mentee can say "don't ask me again in this review", after which no
consent request reaches them for that review; and each pair has a per-review limit of requests
(Program.consent_requests_per_review, default 3). The mentor sees at the point of sending why
they cannot ask (again) and how many requests remain. Before the fix, a mentor could make a
one-word edit to a declined statement and ask again at once, as often as they liked.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from mentorship.audit import Action
from mentorship.models import Program, PublishedRecordError
from promotions.models import (
    DECLINED_IS_FINAL,
    ConsentOptOut,
    ConsentRequest,
    PromotionReview,
    Statement,
)
from promotions.services import consent_decline, statement_create, statement_edit, statement_submit
from tests.factories import PromotionReviewFactory

pytestmark = pytest.mark.django_db


def audit_events(action: str) -> list:
    """Events of an action in whichever audit chain holds them."""
    models = [
        m
        for m in apps.get_app_config("mentorship").get_models()
        if m.__name__.endswith("AuditEvent")
    ]
    return [event for model in models for event in model.objects.filter(action=action)]


def ask(world, text: str, review: PromotionReview | None = None) -> Statement:
    review = review or world.review
    statement = statement_create(
        review_id=review.pk, mentor=world.mentor, kind="advocacy", text=text
    )
    return statement_submit(statement_id=statement.pk, mentor=world.mentor)


def ask_and_be_declined(world, text: str, **kwargs) -> Statement:
    statement = ask(world, text)
    return consent_decline(statement_id=statement.pk, mentee=world.mentee, **kwargs)


# --- A declined statement is final ------------------------------------------------------------


def test_a_declined_statement_cannot_be_edited_nor_sent_again(world):
    declined = ask_and_be_declined(world, "Carol grew a lot.", reason="Too personal.")

    with pytest.raises(ValidationError) as excinfo:
        statement_edit(
            statement_id=declined.pk, mentor=world.mentor, text="Carol grew a great deal."
        )
    assert excinfo.value.messages == [DECLINED_IS_FINAL]
    with pytest.raises(ValidationError):
        statement_submit(statement_id=declined.pk, mentor=world.mentor)

    declined.refresh_from_db()
    assert (declined.state, declined.text) == (Statement.State.DECLINED, "Carol grew a lot.")
    assert declined.decline_reason == "Too personal."


def test_the_model_refuses_to_change_a_declined_statement(world):
    declined = Statement.objects.get(pk=world.statement("declined").pk)
    declined.text = "Carol grew a great deal."
    with pytest.raises(PublishedRecordError, match="A declined statement is final"):
        declined.save()


@pytest.mark.postgres
def test_the_database_refuses_to_change_a_declined_statement(world):
    declined = world.statement("declined")
    with pytest.raises(Exception, match="Cannot update"), transaction.atomic():
        Statement.objects.filter(pk=declined.pk).update(text="Carol grew a great deal.")
    assert connection.vendor == "postgresql"


def test_the_mentor_may_write_a_new_statement_and_ask_once_more(world):
    ask_and_be_declined(world, "Carol grew a lot.")
    again = ask(world, "Carol became a calm and clear presenter.")
    assert again.state == Statement.State.AWAITING_CONSENT


def test_the_mentors_page_offers_no_edit_of_a_declined_statement_and_says_why(world, client):
    declined = ask_and_be_declined(world, "Carol grew a lot.")
    client.force_login(world.mentor)

    page = client.get(world.review.input_url()).content.decode()

    assert reverse("promotions:statement_edit", args=[declined.pk]) not in page
    assert DECLINED_IS_FINAL in page
    response = client.get(reverse("promotions:statement_edit", args=[declined.pk]))
    assert response.status_code == HTTPStatus.FOUND


# --- "Don't ask me again in this review" ------------------------------------------------------


def test_the_mentee_opts_out_while_declining_and_nothing_more_reaches_them(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        declined = ask_and_be_declined(world, "Carol grew a lot.", dont_ask_again=True)

    opt_out = ConsentOptOut.objects.get()
    assert (opt_out.review, opt_out.mentee, opt_out.statement) == (
        world.review,
        world.mentee,
        declined,
    )
    assert opt_out.opted_out_at is not None
    [event] = audit_events(Action.CONSENT_OPTED_OUT)
    assert event.actor == world.mentee
    assert event.payload == {"statement": declined.pk, "review": world.review.pk}
    [declined_mail] = [m for m in mail.outbox if m.to == [world.mentor.email]]
    assert "asked not to be asked for consent again in this review" in declined_mail.body

    mail.outbox.clear()
    draft = statement_create(
        review_id=world.review.pk, mentor=world.mentor, kind="advocacy", text="Something new."
    )
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as exc:
        statement_submit(statement_id=draft.pk, mentor=world.mentor)

    assert (
        "Carol Chen asked not to be asked for consent again in this review" in exc.value.messages[0]
    )
    draft.refresh_from_db()
    assert draft.state == Statement.State.DRAFT
    assert mail.outbox == []
    assert ConsentRequest.objects.filter(statement=draft).count() == 0


def test_without_the_tick_the_mentor_may_ask_again(world):
    ask_and_be_declined(world, "Carol grew a lot.")
    assert not ConsentOptOut.objects.exists()
    assert audit_events(Action.CONSENT_OPTED_OUT) == []
    assert ask(world, "Something new.").state == Statement.State.AWAITING_CONSENT


def test_the_opt_out_holds_for_this_review_only(world):
    ask_and_be_declined(world, "Carol grew a lot.", dont_ask_again=True)
    other = PromotionReviewFactory(program=world.program, candidate=world.mentee)
    assert ask(world, "For the other role.", review=other).state == "awaiting_consent"


def test_the_opt_out_is_recorded_once_per_review(world):
    ask_and_be_declined(world, "First.", dont_ask_again=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentOptOut.objects.create(
            review=world.review, mentee=world.mentee, statement=world.statement("declined")
        )


def test_the_consent_page_offers_the_tick_and_then_says_it_was_given(world, client):
    statement = ask(world, "Carol grew a lot.")
    client.force_login(world.mentee)
    page = client.get(world.review.consent_url()).content.decode()
    assert 'name="dont_ask_again"' in page

    client.post(
        reverse("promotions:statement_decline", args=[statement.pk]),
        {"reason": "", "dont_ask_again": "on"},
    )

    assert ConsentOptOut.objects.filter(review=world.review, mentee=world.mentee).exists()
    page = client.get(world.review.consent_url()).content.decode()
    assert "not to be asked for consent again in this review" in page


def test_the_mentor_sees_why_at_the_point_of_sending(world, client):
    ask_and_be_declined(world, "Carol grew a lot.", dont_ask_again=True)
    draft = statement_create(
        review_id=world.review.pk, mentor=world.mentor, kind="advocacy", text="Something new."
    )
    client.force_login(world.mentor)

    for url in (
        world.review.input_url(),
        reverse("promotions:statement_edit", args=[draft.pk]),
        reverse("promotions:statement_new", args=[world.review.pk, "advocacy"]),
    ):
        page = client.get(url).content.decode()
        assert "You cannot ask for consent again." in page, url
        assert "Carol Chen asked not to be asked for consent again in this review" in page, url
        assert "Save and ask for consent" not in page, url
    assert (
        reverse("promotions:statement_submit", args=[draft.pk])
        not in client.get(world.review.input_url()).content.decode()
    )


# --- The program's limit of requests per pair and review --------------------------------------


def test_the_fourth_request_in_a_review_is_refused_by_default(world):
    assert world.program.consent_requests_per_review == 3
    for n in range(3):
        ask_and_be_declined(world, f"Attempt {n}.")
    draft = statement_create(
        review_id=world.review.pk, mentor=world.mentor, kind="advocacy", text="Attempt 3."
    )

    with pytest.raises(ValidationError) as excinfo:
        statement_submit(statement_id=draft.pk, mentor=world.mentor)

    assert (
        "You have asked Carol Chen for consent 3 times in this review" in excinfo.value.messages[0]
    )
    assert list(
        ConsentRequest.objects.filter(review=world.review).values_list("number", flat=True)
    ) == [1, 2, 3]


def test_the_limit_is_a_program_setting_and_counts_per_review(world):
    Program.objects.filter(pk=world.program.pk).update(consent_requests_per_review=1)
    ask_and_be_declined(world, "Attempt 1.")
    draft = statement_create(
        review_id=world.review.pk, mentor=world.mentor, kind="advocacy", text="Attempt 2."
    )
    with pytest.raises(ValidationError, match="the program's limit"):
        statement_submit(statement_id=draft.pk, mentor=world.mentor)
    other = PromotionReviewFactory(program=world.program, candidate=world.mentee)
    assert ask(world, "Another review.", review=other).state == "awaiting_consent"


def test_the_mentor_sees_how_many_requests_remain(world, client):
    client.force_login(world.mentor)
    page = client.get(world.review.input_url()).content.decode()
    assert "You can ask Carol Chen for consent 3 more times in this review" in page

    ask_and_be_declined(world, "Attempt 1.")
    ask_and_be_declined(world, "Attempt 2.")
    page = client.get(world.review.input_url()).content.decode()
    assert "You can ask Carol Chen for consent 1 more time in this review" in page

    ask_and_be_declined(world, "Attempt 3.")
    page = client.get(
        reverse("promotions:statement_new", args=[world.review.pk, "advocacy"])
    ).content.decode()
    assert "You have asked Carol Chen for consent 3 times in this review" in page
    assert "Save and ask for consent" not in page


def test_asking_through_the_form_past_the_limit_saves_the_draft_and_says_why(world, client):
    Program.objects.filter(pk=world.program.pk).update(consent_requests_per_review=1)
    ask_and_be_declined(world, "Attempt 1.")
    client.force_login(world.mentor)

    response = client.post(
        reverse("promotions:statement_new", args=[world.review.pk, "advocacy"]),
        {"text": "Attempt 2.", "action": "Save and ask for consent"},
        follow=True,
    )

    assert "the program&#x27;s limit" in response.content.decode()
    assert Statement.objects.get(text="Attempt 2.").state == Statement.State.DRAFT


def test_request_numbers_are_unique_per_pair_and_review(world):
    first = ask(world, "Attempt 1.")
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentRequest.objects.bulk_create(
            [ConsentRequest(review=world.review, pair=world.pair, statement=first, number=1)]
        )


def test_the_limit_is_at_least_one(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Program.objects.filter(pk=world.program.pk).update(consent_requests_per_review=0)


def test_a_program_admin_edits_the_limit_in_the_admin(world, client):
    client.force_login(world.superuser)
    url = reverse("admin:mentorship_program_change", args=[world.program.pk])
    page = client.get(url).content.decode()
    assert 'name="consent_requests_per_review"' in page
    assert 'value="3"' in page
