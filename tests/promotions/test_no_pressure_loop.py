"""Issue 12, channel 9: no pressure loop around consent.

A declined statement is final: the mentor may write a new one, but not edit the declined one and
ask again. The mentee can say "don't ask me for consent in this review", from the consent page
at any time or while declining, after which no consent request reaches them for that review;
and each pair has a per-review limit of requests (Program.consent_requests_per_review, default
3). The mentor sees at the point of sending why they cannot ask and how many requests remain.
Before the fix, a mentor could make a one-word edit to a declined statement and ask again at
once, as often as they liked.

The opt-out is the mentee's own choice about the review, not a mark of a decline: an attack
review found that a new mentor (the candidate's next pair in the program, while the review is
open) read "asked not to be asked for consent again", which told them an earlier mentor had
been declined. Every mentor now reads the same words, whether or not anyone was declined.
"""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.test import Client
from django.urls import reverse

from mentorship.audit import Action
from mentorship.models import (
    AuditEvent,
    ConfidentialAuditEvent,
    Notification,
    Pair,
    Program,
    PublishedRecordError,
    User,
)
from promotions.models import (
    DECLINED_IS_FINAL,
    ConsentOptOut,
    ConsentRequest,
    PromotionReview,
    Statement,
)
from promotions.permissions import consent_request_allowance
from promotions.services import (
    consent_decline,
    consent_opt_out,
    review_change_status,
    statement_create,
    statement_edit,
    statement_submit,
)
from tests.factories import (
    ActiveAgreementFactory,
    PairFactory,
    PanelSeatFactory,
    PromotionReviewFactory,
    UserFactory,
)
from tests.outbox import deliver_after
from tests.promotions.conftest import without_csrf

pytestmark = pytest.mark.django_db

# What every mentor of the candidate reads once they opted out, however and whenever they did.
OPTED_OUT = (
    "Carol Chen asked not to be asked for consent in this review, so no consent request can be "
    "sent to them for it. Your drafts stay yours."
)
ALLOWANCE = re.compile(r'<p class="[^"]*consent-allowance">(.*?)</p>', re.S)


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
        QuerySet(Statement).filter(pk=declined.pk).update(text="Carol grew a great deal.")
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


def test_the_mentee_opts_out_while_declining_and_nothing_more_reaches_them(world):
    with deliver_after():
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
    with deliver_after(), pytest.raises(ValidationError) as exc:
        statement_submit(statement_id=draft.pk, mentor=world.mentor)

    assert exc.value.messages == [OPTED_OUT]
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
    assert "not to be asked for consent in this review: no further request" in page
    assert reverse("promotions:consent_opt_out", args=[world.review.pk]) not in page


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
        assert "You cannot ask for consent in this review." in page, url
        assert OPTED_OUT in page, url
        assert "Save and ask for consent" not in page, url
    assert (
        reverse("promotions:statement_submit", args=[draft.pk])
        not in client.get(world.review.input_url()).content.decode()
    )


# --- The opt-out is the mentee's own choice, not a mark of a decline ---------------------------


def allowance_text(client, review: PromotionReview) -> str:
    """The mentor's "can you ask" paragraph on their input page, as rendered."""
    [paragraph] = ALLOWANCE.findall(client.get(review.input_url()).content.decode())
    return paragraph


def new_mentor(world) -> User:
    """Maria's pair ends; Carol gets a new mentor in the same program while the review runs."""
    Pair.objects.filter(pk=world.pair.pk).update(status=Pair.Status.COMPLETED)
    nina = UserFactory(username="nina", full_name="Nina New")
    ActiveAgreementFactory(
        pair=PairFactory(program=world.program, mentor=nina, mentee=world.mentee)
    )
    return nina


def opt_out_from_the_page(client, world, review: PromotionReview):
    client.force_login(world.mentee)
    return client.post(reverse("promotions:consent_opt_out", args=[review.pk]))


def test_a_new_mentor_cannot_tell_an_opt_out_after_a_decline_from_one_without(world, client):
    # Review 1: Maria asks, Carol declines and opts out. Review 2: Carol opts out from her
    # consent page, and nobody ever asked her anything.
    declined_review = world.review
    quiet_review = PromotionReviewFactory(
        program=world.program, candidate=world.mentee, supervisor=world.supervisor
    )
    ask_and_be_declined(world, "Carol grew a lot in how she listens.", dont_ask_again=True)
    opt_out_from_the_page(client, world, quiet_review)
    client.force_login(world.mentor)
    said_to_maria = allowance_text(client, declined_review)

    nina = new_mentor(world)
    client.force_login(nina)
    after_a_decline = allowance_text(client, declined_review)
    without_one = allowance_text(client, quiet_review)

    assert after_a_decline == without_one == said_to_maria
    assert OPTED_OUT in after_a_decline
    assert "again" not in after_a_decline
    for review in (declined_review, quiet_review):
        new_pair = Pair.objects.get(mentor=nina)
        assert consent_request_allowance(review, new_pair).reason == OPTED_OUT


def test_every_mentor_is_refused_in_the_same_words(world):
    consent_opt_out(review_id=world.review.pk, mentee=world.mentee)
    draft = statement_create(
        review_id=world.review.pk, mentor=world.mentor, kind="advocacy", text="Carol grew."
    )
    with pytest.raises(ValidationError) as maria_refused:
        statement_submit(statement_id=draft.pk, mentor=world.mentor)

    nina = new_mentor(world)
    nina_draft = statement_create(
        review_id=world.review.pk, mentor=nina, kind="advocacy", text="Carol listens well."
    )
    with pytest.raises(ValidationError) as nina_refused:
        statement_submit(statement_id=nina_draft.pk, mentor=nina)

    assert maria_refused.value.messages == nina_refused.value.messages == [OPTED_OUT]
    assert not ConsentRequest.objects.exists()


def test_the_mentee_opts_out_from_the_consent_page_without_declining(world, client):
    waiting = ask(world, "Carol became a calm and clear presenter.")
    mail.outbox.clear()
    client.force_login(world.mentee)
    url = reverse("promotions:consent_opt_out", args=[world.review.pk])
    page = client.get(world.review.consent_url()).content.decode()
    assert f'action="{url}"' in page
    assert "This cannot be undone for this review." in page

    with deliver_after():
        response = client.post(url)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == world.review.consent_url()
    opt_out = ConsentOptOut.objects.get()
    assert (opt_out.review, opt_out.mentee, opt_out.statement) == (world.review, world.mentee, None)
    # Nothing was declined, and nobody was told.
    waiting.refresh_from_db()
    assert waiting.state == Statement.State.AWAITING_CONSENT
    assert mail.outbox == []
    page = client.get(world.review.consent_url()).content.decode()
    assert "not to be asked for consent in this review: no further request" in page
    assert f'action="{url}"' not in page
    # The request already on the page is still hers to decide.
    assert reverse("promotions:statement_consent", args=[waiting.pk]) in page
    draft = statement_create(
        review_id=world.review.pk, mentor=world.mentor, kind="advocacy", text="Something new."
    )
    with pytest.raises(ValidationError, match="asked not to be asked for consent in this"):
        statement_submit(statement_id=draft.pk, mentor=world.mentor)


def test_the_opt_out_is_audited_in_the_confidential_chain_once(world, client):
    operational_before = AuditEvent.objects.count()

    opt_out_from_the_page(client, world, world.review)
    opt_out_from_the_page(client, world, world.review)

    [event] = audit_events(Action.CONSENT_OPTED_OUT)
    assert isinstance(event, ConfidentialAuditEvent)
    assert event.actor == world.mentee
    assert (event.target_type, event.target_id) == (
        "promotions.promotionreview",
        str(world.review.pk),
    )
    assert event.payload == {"review": world.review.pk}
    assert AuditEvent.objects.count() == operational_before
    assert ConsentOptOut.objects.count() == 1


@pytest.mark.parametrize(
    "role", ["mentor", "panel_member", "supervisor", "program_admin", "superuser", "outsider"]
)
def test_nobody_else_can_opt_out_for_the_mentee(world, client, role):
    client.force_login(world.person(role))
    response = client.post(reverse("promotions:consent_opt_out", args=[world.review.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not ConsentOptOut.objects.exists()
    with pytest.raises(PermissionDenied):
        consent_opt_out(review_id=world.review.pk, mentee=world.person(role))
    assert not ConsentOptOut.objects.exists()


def test_the_opt_out_is_not_offered_on_a_closed_review_and_is_refused(world, client):
    review_change_status(
        review_id=world.review.pk, status=PromotionReview.Status.CLOSED, by=world.program_admin
    )
    client.force_login(world.mentee)
    url = reverse("promotions:consent_opt_out", args=[world.review.pk])
    assert url not in client.get(world.review.consent_url()).content.decode()

    response = client.post(url, follow=True)

    assert "The review is closed" in response.content.decode()
    assert not ConsentOptOut.objects.exists()
    assert audit_events(Action.CONSENT_OPTED_OUT) == []


def test_a_get_changes_nothing(world, client):
    client.force_login(world.mentee)
    response = client.get(reverse("promotions:consent_opt_out", args=[world.review.pk]))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert not ConsentOptOut.objects.exists()


def test_the_panel_sees_the_same_with_and_without_an_opt_out(world, client):
    PanelSeatFactory(review=world.review, user=UserFactory(username="pat", full_name="Pat Ng"))
    client.force_login(world.panel_member)
    before = without_csrf(client.get(world.review.get_absolute_url()).content)
    reviews_before = without_csrf(client.get(reverse("promotions:index")).content)
    inbox_before = list(Notification.objects.values_list("pk", flat=True))
    mail.outbox.clear()

    with deliver_after():
        opt_out_from_the_page(Client(), world, world.review)

    assert without_csrf(client.get(world.review.get_absolute_url()).content) == before
    assert without_csrf(client.get(reverse("promotions:index")).content) == reviews_before
    assert mail.outbox == []
    assert list(Notification.objects.values_list("pk", flat=True)) == inbox_before


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
