"""Posting the same new statement twice (a double click, the back button) leaves one statement
and asks the mentee once. Different text, another kind, or a statement already decided on
still make a new statement, and the usual refusals still come first."""

from __future__ import annotations

from functools import partial
from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from mentorship.audit import Action
from mentorship.models import ConfidentialAuditEvent
from promotions import views
from promotions.forms import StatementForm
from promotions.models import Statement
from promotions.services import statement_create, statement_submit
from tests.concurrency import run_together
from tests.factories import PromotionReviewFactory
from tests.outbox import deliver_after

TEXT = "I have seen a lot of growth in Carol."
ASK = "Save and ask for consent"
DRAFT = "Save draft"


@pytest.fixture
def post(world, client):
    """Sends the new-statement form as Maria; a double click is two calls."""
    client.force_login(world.mentor)

    def send(*, text=TEXT, action=ASK, kind="advocacy"):
        url = reverse("promotions:statement_new", args=[world.review.pk, kind])
        return client.post(url, {"text": text, "action": action})

    return send


def the_statement_state() -> str:
    """The state of the one statement there is (there must be exactly one)."""
    return Statement.objects.get().state


def flash(response) -> str:
    """The message this response added (earlier, unread ones are still queued before it)."""
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


def consent_requests() -> int:
    return ConfidentialAuditEvent.objects.filter(action=Action.CONSENT_REQUESTED).count()


def create(world, text=TEXT, kind="advocacy") -> Statement:
    return statement_create(review_id=world.review.pk, mentor=world.mentor, kind=kind, text=text)


@pytest.mark.django_db
def test_a_double_click_on_save_and_ask_makes_one_statement_and_one_request(world, post):
    with deliver_after():
        first = post()
        second = post()

    statement = Statement.objects.get()
    assert statement.state == Statement.State.AWAITING_CONSENT
    assert consent_requests() == 1
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([world.mentee.email], "Your mentor asks for your consent")
    ]
    anchor = f"{world.review.input_url()}#statement-{statement.pk}"
    assert (first.status_code, first.url) == (HTTPStatus.FOUND, anchor)
    assert (second.status_code, second.url) == (HTTPStatus.FOUND, anchor)
    assert flash(second) == (
        "You already sent this statement to Carol Chen for consent; it was not saved or sent again."
    )


@pytest.mark.django_db
def test_saving_the_same_draft_twice_keeps_one_draft(post):
    post(action=DRAFT)
    second = post(action=DRAFT)

    assert the_statement_state() == Statement.State.DRAFT
    assert flash(second) == "Your draft was saved. Only you can see it."


@pytest.mark.django_db
def test_a_saved_draft_posted_again_with_ask_is_sent_once(post):
    post(action=DRAFT)
    second = post(action=ASK)
    third = post(action=ASK)

    assert the_statement_state() == Statement.State.AWAITING_CONSENT
    assert consent_requests() == 1
    assert flash(second).startswith("Saved and sent to Carol Chen for consent.")
    assert flash(third).startswith("You already sent this statement")


@pytest.mark.django_db
def test_the_same_text_already_sent_is_not_saved_again_as_a_draft(post):
    post(action=ASK)
    again = post(action=DRAFT)

    assert the_statement_state() == Statement.State.AWAITING_CONSENT
    assert flash(again).startswith("You already sent this statement")


@pytest.mark.django_db
def test_a_flagged_statement_posted_twice_stays_one_unsent_draft(post):
    text = "Carol was completely disorganized and unprofessional."
    post(text=text)
    second = post(text=text)

    assert the_statement_state() == Statement.State.DRAFT
    assert consent_requests() == 0
    assert flash(second).startswith("Your draft was saved. It was not sent")


@pytest.mark.django_db
def test_different_text_makes_a_new_statement(post):
    post()
    post(text=TEXT + " She now leads the weekly planning.")

    assert Statement.objects.count() == 2
    assert consent_requests() == 2


@pytest.mark.django_db
def test_the_same_text_of_another_kind_is_another_statement(world):
    advocacy = create(world, kind="advocacy")
    engagement = create(world, kind="engagement")
    assert advocacy.pk != engagement.pk
    assert Statement.objects.count() == 2


@pytest.mark.django_db
def test_surrounding_spaces_do_not_make_a_new_statement(world):
    assert create(world, text=f"  {TEXT}\n").pk == create(world).pk
    assert Statement.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["shared", "declined", "withdrawn"])
def test_the_same_text_as_a_decided_statement_is_a_new_draft(world, state):
    decided = world.statement(state, kind="advocacy", text=TEXT)
    statement = create(world)
    assert statement.pk != decided.pk
    assert statement.state == Statement.State.DRAFT
    decided.refresh_from_db()
    assert decided.state == state


@pytest.mark.django_db
def test_the_same_text_in_another_review_is_another_statement(world):
    other = PromotionReviewFactory(program=world.program, candidate=world.mentee)
    here = create(world)
    there = statement_create(review_id=other.pk, mentor=world.mentor, kind="advocacy", text=TEXT)
    assert here.pk != there.pk


@pytest.mark.django_db
def test_someone_else_posting_the_same_text_is_refused_not_given_the_statement(world):
    create(world)
    with pytest.raises(PermissionDenied):
        statement_create(
            review_id=world.review.pk, mentor=world.panel_member, kind="advocacy", text=TEXT
        )


@pytest.mark.django_db
def test_a_closed_review_refuses_the_same_text_too(world):
    create(world)
    world.close_review()
    with pytest.raises(ValidationError, match="The review is closed"):
        create(world)


@pytest.mark.django_db
def test_terms_that_no_longer_allow_it_refuse_the_same_text_too(world):
    create(world)
    world.agreement.allows_advocacy = False
    world.agreement.save()
    with pytest.raises(ValidationError, match="does not allow advocacy statements"):
        create(world)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_statement_posted_twice_at_once_is_saved_once(world):
    for round_ in range(3):
        text = f"{TEXT} Round {round_}."
        outcomes = run_together(*[partial(create, world, text=text)] * 3)

        assert all(isinstance(o, Statement) for o in outcomes), outcomes
        assert len({o.pk for o in outcomes}) == 1
        assert Statement.objects.filter(text=text).count() == 1


@pytest.mark.django_db
def test_the_request_that_loses_the_race_says_it_was_already_sent(world, rf, monkeypatch):
    """Between one request's save and its send, a second request finds the draft and sends it
    first; the first one's send is then refused, and it must say so truthfully."""
    statement = create(world)
    statement_submit(statement_id=statement.pk, mentor=world.mentor)  # the winner's send
    stale = Statement.objects.get(pk=statement.pk)
    stale.state = Statement.State.DRAFT  # what the loser read before the winner sent it
    request = rf.post("/", {"text": TEXT, "action": ASK})
    request.user, request.session = world.mentor, SessionStore()
    request._messages = FallbackStorage(request)
    form = StatementForm({"text": TEXT, "action": ASK}, kind="advocacy")
    assert form.is_valid()

    views._after_save(request, stale, form)

    assert [str(m) for m in request._messages] == [
        f"Already sent to {world.mentee} for consent; not sent again."
    ]
    assert consent_requests() == 1
