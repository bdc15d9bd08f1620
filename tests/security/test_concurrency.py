"""Races through the views, on PostgreSQL with real concurrent transactions.

tests/agreements/test_concurrent_signing.py, tests/promotions/test_concurrency.py and
tests/mentorship/test_audit_concurrency.py race the services. This drives the pages the way two
browsers do: separate clients (separate sessions) in threads released by a barrier, each request
in its own database connection. Whoever loses a race is answered through the page with a clear
message (a re-rendered form or a redirect carrying one), never a 500; and the records show each
act exactly once: no duplicate signature, no lost consent, no forked audit chain.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from http import HTTPStatus

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from agreements.models import Agreement, QuestionnaireSubmission, Signature
from agreements.selectors import asked_questions
from mentorship.audit import Action, audit_record, audit_verify, chain_for
from mentorship.models import AuditEvent, ConfidentialAuditEvent, User
from promotions.models import Statement, text_sha256
from promotions.services import consent_grant, statement_create, statement_submit
from tests.concurrency import run_together as race
from tests.factories.worlds import PASSWORD, propose
from tests.security.conftest import STATS, World, build_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 5


@pytest.fixture
def world() -> World:
    return build_world()


def session(user: User) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def run_together(*calls: Callable[[], object]) -> list[object]:
    """Start the calls at the same moment in threads; each one's result or exception."""
    outcomes = race(*calls, timeout=60)
    STATS["race rounds run"] += 1
    return outcomes


def statuses(responses) -> list[int]:
    assert all(not isinstance(r, Exception) for r in responses), responses
    codes = sorted(r.status_code for r in responses)
    assert all(code < HTTPStatus.INTERNAL_SERVER_ERROR for code in codes), codes
    return codes


def page_after(client: Client, response) -> str:
    """The page a browser shows next: the re-rendered form, or where the redirect leads."""
    if response.status_code == HTTPStatus.FOUND:
        return client.get(response["Location"]).content.decode()
    return response.content.decode()


def events(action: str, target) -> int:
    chain = chain_for(action, target._meta.label_lower)
    return chain.model.objects.filter(action=action, target_id=str(target.pk)).count()


def awaiting_statement(world: World, n: int) -> Statement:
    statement = statement_create(
        review_id=world.reviews["open"].pk,
        mentor=world.users["maria"],
        kind="advocacy",
        text=f"Carol has grown into leading our planning sessions (round {n}).",
    )
    return statement_submit(statement_id=statement.pk, mentor=world.users["maria"])


def sign_data(agreement: Agreement, user: User) -> dict:
    return {
        "text_sha256": agreement.text_sha256,
        "acknowledge": "on",
        "typed_name": user.full_name,
        "password": PASSWORD,
    }


# --- Agreements ---------------------------------------------------------------------------


def test_both_members_sign_at_once_through_the_page(world):
    maria, carol = world.users["maria"], world.users["carol"]
    pair = world.pairs["agreed"]
    for n in range(ROUNDS):
        agreement = propose(pair, by=maria, exceptions=f"Signed at once, round {n}.")
        sign = reverse("agreements:sign", args=[agreement.pk])
        responses = run_together(
            partial(session(maria).post, sign, sign_data(agreement, maria)),
            partial(session(carol).post, sign, sign_data(agreement, carol)),
        )

        assert statuses(responses) == [HTTPStatus.FOUND, HTTPStatus.FOUND]
        agreement.refresh_from_db()
        assert agreement.status == Agreement.Status.ACTIVE
        assert Signature.objects.filter(agreement=agreement).count() == 2
        assert events(Action.AGREEMENT_ACTIVATED, agreement) == 1
        assert Agreement.objects.filter(pair=pair, status="active").count() == 1
    assert audit_verify() is None


def test_a_double_click_on_sign_makes_one_signature_and_says_so(world):
    carol = world.users["carol"]
    agreement = world.agreements["awaiting_signatures"]
    sign = reverse("agreements:sign", args=[agreement.pk])
    tabs = [session(carol), session(carol)]

    responses = run_together(*(partial(c.post, sign, sign_data(agreement, carol)) for c in tabs))

    assert statuses(responses) == [HTTPStatus.OK, HTTPStatus.FOUND]
    loser = next(r for r in responses if r.status_code == HTTPStatus.OK)
    assert "You have already signed this agreement." in loser.content.decode()
    assert Signature.objects.filter(agreement=agreement, signer=carol).count() == 1
    assert events(Action.AGREEMENT_ACTIVATED, agreement) == 1


def test_both_members_end_the_agreement_at_once(world):
    maria, carol = world.users["maria"], world.users["carol"]
    agreement = world.agreements["active"]
    end = reverse("agreements:end", args=[agreement.pk])
    clients = [session(maria), session(carol)]

    responses = run_together(
        *(partial(c.post, end, {"reason": "We agreed to stop."}) for c in clients)
    )

    assert statuses(responses) == [HTTPStatus.OK, HTTPStatus.FOUND]
    loser = next(r for r in responses if r.status_code == HTTPStatus.OK)
    assert "Only an active agreement can be ended." in loser.content.decode()
    assert events(Action.AGREEMENT_ENDED, agreement) == 1
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.ENDED


def test_both_members_propose_terms_at_once(world):
    maria, carol = world.users["maria"], world.users["carol"]
    pair = world.pairs["agreed"]
    terms = reverse("agreements:terms", args=[pair.pk])
    for n in range(ROUNDS):
        data = {
            "confidentiality_scope": "agreed_exceptions",
            "allows_promotion_participation": "on",
            "allows_advocacy": "on",
        }
        responses = run_together(
            partial(session(maria).post, terms, {**data, "exceptions": f"Maria's {n}."}),
            partial(session(carol).post, terms, {**data, "exceptions": f"Carol's {n}."}),
        )

        assert statuses(responses) == [HTTPStatus.FOUND, HTTPStatus.FOUND]
        # The later proposal voided the earlier one: exactly one is open for signing.
        assert Agreement.objects.filter(pair=pair, status__in=Agreement.OPEN_STATUSES).count() == 1


def test_the_questionnaire_submitted_twice_at_once_is_submitted_once(world):
    dana = world.users["dana"]
    pair = world.pairs["fresh"]
    page = reverse("agreements:questionnaire", args=[pair.pk])
    data = {"submit": "Submit"}
    for question in asked_questions(pair):
        data[f"q_{question.pk}"] = "agree"
    tabs = [session(dana), session(dana)]

    responses = run_together(*(partial(c.post, page, data) for c in tabs))

    statuses(responses)
    pages = [page_after(c, r) for c, r in zip(tabs, responses, strict=True)]
    assert sum("Your answers are submitted." in p for p in pages) == 1
    assert QuestionnaireSubmission.objects.filter(pair=pair, respondent=dana).count() == 1


# --- Consent -------------------------------------------------------------------------------


def test_a_double_consent_through_the_page_records_one_consent(world):
    carol = world.users["carol"]
    for n in range(ROUNDS):
        statement = awaiting_statement(world, n)
        consent = reverse("promotions:statement_consent", args=[statement.pk])
        data = {"text_sha256": text_sha256(statement.text)}
        tabs = [session(carol), session(carol)]

        responses = run_together(*(partial(c.post, consent, data) for c in tabs))

        assert statuses(responses) == [HTTPStatus.FOUND, HTTPStatus.FOUND]
        pages = [page_after(c, r) for c, r in zip(tabs, responses, strict=True)]
        assert sum("You consented." in p for p in pages) == 1
        assert sum("This statement is not awaiting consent." in p for p in pages) == 1
        statement.refresh_from_db()
        assert statement.state == Statement.State.SHARED
        assert events(Action.CONSENT_GRANTED, statement) == 1


def test_consent_and_decline_at_once_settle_on_one(world):
    carol = world.users["carol"]
    for n in range(ROUNDS):
        statement = awaiting_statement(world, n)
        consent = reverse("promotions:statement_consent", args=[statement.pk])
        decline = reverse("promotions:statement_decline", args=[statement.pk])
        yes, no = session(carol), session(carol)

        responses = run_together(
            partial(yes.post, consent, {"text_sha256": text_sha256(statement.text)}),
            partial(no.post, decline, {"reason": ""}),
        )

        assert statuses(responses) == [HTTPStatus.FOUND, HTTPStatus.FOUND]
        statement.refresh_from_db()
        granted = events(Action.CONSENT_GRANTED, statement)
        declined = events(Action.CONSENT_DECLINED, statement)
        assert (granted, declined) in ((1, 0), (0, 1))
        assert statement.state == ("shared" if granted else "declined")
        loser_page = page_after(no, responses[1]) if granted else page_after(yes, responses[0])
        assert "This statement is not awaiting consent." in loser_page


def test_two_withdrawals_at_once_withdraw_once(world):
    carol = world.users["carol"]
    for n in range(ROUNDS):
        statement = awaiting_statement(world, n)
        consent_grant(
            statement_id=statement.pk, mentee=carol, text_sha256_seen=text_sha256(statement.text)
        )
        withdraw = reverse("promotions:statement_withdraw", args=[statement.pk])
        tabs = [session(carol), session(carol)]

        responses = run_together(*(partial(c.post, withdraw) for c in tabs))

        assert statuses(responses) == [HTTPStatus.FOUND, HTTPStatus.FOUND]
        pages = [page_after(c, r) for c, r in zip(tabs, responses, strict=True)]
        assert sum("You withdrew consent." in p for p in pages) == 1
        assert sum("Only a shared statement can be withdrawn." in p for p in pages) == 1
        assert events(Action.CONSENT_WITHDRAWN, statement) == 1


def test_two_assessment_saves_at_once_lose_no_update(world):
    sam = world.users["sam"]
    review = world.reviews["open"]
    page = reverse("promotions:assessment", args=[review.pk])
    for n in range(ROUNDS):
        texts = [f"Assessment draft A{n}.", f"Assessment draft B{n}."]
        before = events(Action.ASSESSMENT_WRITTEN, review)
        responses = run_together(*(partial(session(sam).post, page, {"text": t}) for t in texts))

        assert statuses(responses) == [HTTPStatus.FOUND, HTTPStatus.FOUND]
        review.refresh_from_db()
        assert review.supervisor_assessment in texts
        # Both saves are on record, in order: the last one is the text that stands.
        written = ConfidentialAuditEvent.objects.filter(
            action=Action.ASSESSMENT_WRITTEN, target_id=str(review.pk)
        ).order_by("pk")
        assert written.count() == before + 2
        assert written.last().payload["sha256"] == text_sha256(review.supervisor_assessment)


# --- The audit chain -------------------------------------------------------------------------


def test_refused_requests_from_many_browsers_keep_one_chain(world):
    """Eight outsiders probe a pair at once: eight access.denied events, one unbroken chain."""
    pair = world.pairs["agreed"]
    page = reverse("mentorship:pair", args=[pair.pk])
    probes = [session(world.users["otto"]) for _ in range(8)]
    before = ConfidentialAuditEvent.objects.filter(action=Action.ACCESS_DENIED).count()

    responses = run_together(*(partial(c.get, page) for c in probes))

    assert statuses(responses) == [HTTPStatus.NOT_FOUND] * 8
    assert ConfidentialAuditEvent.objects.filter(action=Action.ACCESS_DENIED).count() == before + 8
    prev = list(ConfidentialAuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(set(prev)) == len(prev)
    assert audit_verify() is None


def test_writers_that_roll_back_leave_no_gap_in_the_chain(world):
    """Half the writers' transactions fail after writing their event: those events and their
    chain-head moves roll back together, so the chain stays whole."""

    class Abandon(Exception):
        pass

    def writer(n: int) -> None:
        with transaction.atomic():
            audit_record(actor=None, action="test.race", payload={"writer": n})
            if n % 2:
                raise Abandon

    before = AuditEvent.objects.count()
    for _ in range(ROUNDS):
        outcomes = run_together(*(partial(writer, n) for n in range(8)))
        assert sum(isinstance(o, Abandon) for o in outcomes) == 4
        assert all(o is None or isinstance(o, Abandon) for o in outcomes)

    assert AuditEvent.objects.count() == before + 4 * ROUNDS
    assert audit_verify() is None
