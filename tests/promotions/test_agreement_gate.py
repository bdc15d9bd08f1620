"""A mentor writes only under terms that allow it; ending or changing the terms withdraws input."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from agreements.models import Agreement
from mentorship.audit import Action
from mentorship.models import ConfidentialAuditEvent
from promotions.models import Statement, text_sha256
from promotions.services import REVIEW_CLOSED_TO_INPUT_OR_CHANGE
from tests.factories import (
    ActiveAgreementFactory,
    AgreementFactory,
    PairFactory,
    PromotionReviewFactory,
    SharedStatementFactory,
)
from tests.outbox import deliver_after
from tests.promotions.conftest import close_agreement

pytestmark = pytest.mark.django_db


def new_url(world, kind="advocacy"):
    return reverse("promotions:statement_new", args=[world.review.pk, kind])


def set_terms(agreement, **terms):
    for name, value in terms.items():
        setattr(agreement, name, value)
    agreement.save()


# --- The gate -------------------------------------------------------------------------------


def test_with_terms_allowing_both_kinds_the_mentor_may_write_both(world, client):
    client.force_login(world.mentor)
    page = client.get(world.review.input_url()).content.decode()
    assert new_url(world, "advocacy") in page
    assert new_url(world, "engagement") in page
    assert "Nothing leaves your hands without Carol Chen's consent" in page
    assert "Lee Park" in page  # who will read it


@pytest.mark.parametrize(
    ("terms", "blocked", "reason"),
    [
        (
            {"allows_promotion_participation": False},
            ["advocacy", "engagement"],
            "does not allow the mentor to take part in promotion reviews",
        ),
        ({"allows_advocacy": False}, ["advocacy"], "does not allow advocacy statements"),
        ({"allows_engagement": False}, ["engagement"], "does not allow engagement statements"),
        (
            {"status": Agreement.Status.ENDED},
            ["advocacy", "engagement"],
            "no active signed agreement",
        ),
    ],
)
def test_the_page_says_why_and_offers_the_way_forward(world, client, terms, blocked, reason):
    set_terms(world.agreement, **terms)
    client.force_login(world.mentor)

    page = client.get(world.review.input_url()).content.decode()

    assert reason in page
    assert f'href="{world.pair.get_absolute_url()}"' in page
    assert "propose an amendment" in page
    for kind in ("advocacy", "engagement"):
        assert (new_url(world, kind) in page) is (kind not in blocked)


def test_a_pair_without_any_agreement_cannot_write(world, client):
    pair = PairFactory(program=world.program)
    review = PromotionReviewFactory(program=world.program, candidate=pair.mentee)
    AgreementFactory(pair=pair)  # a draft, never signed
    client.force_login(pair.mentor)

    page = client.get(review.input_url()).content.decode()
    assert "no active signed agreement" in page
    response = client.post(
        reverse("promotions:statement_new", args=[review.pk, "advocacy"]),
        {"text": "Growth.", "action": "Save draft"},
    )

    assert response.status_code == HTTPStatus.FOUND
    assert not Statement.objects.exists()


def test_writing_is_refused_when_the_terms_do_not_allow_the_kind(world, client):
    set_terms(world.agreement, allows_advocacy=False)
    client.force_login(world.mentor)
    client.post(new_url(world, "advocacy"), {"text": "Growth.", "action": "Save draft"})
    client.post(new_url(world, "engagement"), {"text": "We met often.", "action": "Save draft"})
    assert list(Statement.objects.values_list("kind", flat=True)) == ["engagement"]


def test_a_draft_cannot_be_edited_or_sent_once_the_terms_stop_allowing_it(world, client):
    statement = world.statement("draft")
    set_terms(world.agreement, allows_advocacy=False)
    client.force_login(world.mentor)

    client.post(
        reverse("promotions:statement_edit", args=[statement.pk]),
        {"text": "New words.", "action": "Save draft"},
    )
    client.post(reverse("promotions:statement_submit", args=[statement.pk]))

    statement.refresh_from_db()
    assert statement.state == Statement.State.DRAFT
    assert statement.text != "New words."


def test_the_mentee_cannot_consent_once_the_terms_stop_allowing_it_but_may_decline(world, client):
    statement = world.statement("awaiting_consent")
    set_terms(world.agreement, allows_promotion_participation=False)
    client.force_login(world.mentee)

    page = client.get(world.review.consent_url()).content.decode()
    assert "You cannot consent now." in page
    client.post(
        reverse("promotions:statement_consent", args=[statement.pk]),
        {"text_sha256": text_sha256(statement.text)},
    )
    statement.refresh_from_db()
    assert statement.state == Statement.State.AWAITING_CONSENT

    client.post(reverse("promotions:statement_decline", args=[statement.pk]), {"reason": ""})
    statement.refresh_from_db()
    assert statement.state == Statement.State.DECLINED


# --- The cascade ------------------------------------------------------------------------------


def test_ending_the_agreement_withdraws_shared_input_in_open_reviews(world):
    advocacy = world.statement("shared", kind="advocacy")
    engagement = world.statement("shared", kind="engagement")
    pending = world.statement("awaiting_consent")

    with deliver_after():
        close_agreement(world.agreement, status=Agreement.Status.ENDED)

    for statement in (advocacy, engagement):
        statement.refresh_from_db()
        assert statement.state == Statement.State.WITHDRAWN
        assert statement.withdrawal_cause == Statement.WithdrawalCause.AGREEMENT
    pending.refresh_from_db()
    assert pending.state == Statement.State.AWAITING_CONSENT
    events = ConfidentialAuditEvent.objects.filter(action=Action.CONSENT_WITHDRAWN)
    assert {e.payload["statement"] for e in events} == {advocacy.pk, engagement.pk}
    assert all(e.payload["cause"] == "agreement" and e.actor is None for e in events)
    assert sorted(m.to[0] for m in mail.outbox) == ["carol@example.com", "maria@example.com"]
    assert all(advocacy.text not in m.body for m in mail.outbox)


def test_closed_reviews_keep_their_shared_input(world):
    closed = PromotionReviewFactory(program=world.program, candidate=world.mentee, status="closed")
    kept = SharedStatementFactory(pair=world.pair, review=closed)
    withdrawn = world.statement("shared")

    close_agreement(world.agreement, status=Agreement.Status.ENDED)

    kept.refresh_from_db()
    withdrawn.refresh_from_db()
    assert kept.state == Statement.State.SHARED
    assert withdrawn.state == Statement.State.WITHDRAWN


def test_a_successor_allowing_the_kind_keeps_it_shared(world):
    advocacy = world.statement("shared", kind="advocacy")
    engagement = world.statement("shared", kind="engagement")
    successor = ActiveAgreementFactory.build(
        pair=world.pair, allows_engagement=False, status=Agreement.Status.AWAITING_SIGNATURES
    )
    successor.save()

    close_agreement(world.agreement, status=Agreement.Status.SUPERSEDED, successor=successor)

    advocacy.refresh_from_db()
    engagement.refresh_from_db()
    assert advocacy.state == Statement.State.SHARED
    assert engagement.state == Statement.State.WITHDRAWN


def test_a_successor_without_promotion_participation_withdraws_everything(world):
    statement = world.statement("shared")
    successor = AgreementFactory(
        pair=world.pair, allows_advocacy=True, allows_engagement=True
    )  # allows_promotion_participation stays False

    close_agreement(world.agreement, status=Agreement.Status.SUPERSEDED, successor=successor)

    statement.refresh_from_db()
    assert statement.state == Statement.State.WITHDRAWN


def test_the_cascade_rolls_back_with_the_agreement(world):
    statement = world.statement("shared")

    class Boom(Exception):
        pass

    def end_then_fail():
        with transaction.atomic():
            close_agreement(world.agreement, status=Agreement.Status.ENDED)
            raise Boom

    with pytest.raises(Boom):
        end_then_fail()

    statement.refresh_from_db()
    world.agreement.refresh_from_db()
    assert world.agreement.status == Agreement.Status.ACTIVE
    assert statement.state == Statement.State.SHARED


def test_other_pairs_are_untouched(world):
    other_pair = PairFactory(program=world.program)
    ActiveAgreementFactory(pair=other_pair)
    other = SharedStatementFactory(pair=other_pair)

    close_agreement(world.agreement, status=Agreement.Status.ENDED)

    other.refresh_from_db()
    assert other.state == Statement.State.SHARED


def test_a_closed_review_tells_the_mentor_in_the_services_words(world, client):
    world.close_review()
    client.force_login(world.mentor)

    page = client.get(world.review.input_url()).content.decode()

    assert REVIEW_CLOSED_TO_INPUT_OR_CHANGE in page
