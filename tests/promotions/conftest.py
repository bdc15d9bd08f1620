"""One review of Carol (mentored by Maria under an active agreement), and everyone around it."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from agreements.models import Agreement
from agreements.signals import agreement_closed
from mentorship.models import Pair, Program, User
from mentorship.permissions import PROGRAM_ADMINS_GROUP
from promotions.models import PromotionReview, Statement
from tests.factories import (
    ActiveAgreementFactory,
    AwaitingConsentStatementFactory,
    DeclinedStatementFactory,
    PairFactory,
    PanelSeatFactory,
    ProgramAdminFactory,
    ProgramFactory,
    PromotionReviewFactory,
    PublishedGuidelineFactory,
    SharedStatementFactory,
    StatementFactory,
    UserFactory,
    WithdrawnStatementFactory,
)

STATE_FACTORIES = {
    Statement.State.DRAFT: StatementFactory,
    Statement.State.AWAITING_CONSENT: AwaitingConsentStatementFactory,
    Statement.State.SHARED: SharedStatementFactory,
    Statement.State.DECLINED: DeclinedStatementFactory,
    Statement.State.WITHDRAWN: WithdrawnStatementFactory,
}

CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def without_csrf(body: bytes) -> bytes:
    return CSRF_INPUT.sub(b'name="csrfmiddlewaretoken" value=""', body)


@dataclass
class World:
    program: Program
    mentor: User
    mentee: User
    pair: Pair
    agreement: Agreement
    review: PromotionReview
    supervisor: User
    panel_member: User
    other_panel_member: User
    program_admin: User
    superuser: User
    outsider: User

    def statement(self, state: str = Statement.State.DRAFT, **kwargs) -> Statement:
        kwargs.setdefault("pair", self.pair)
        kwargs.setdefault("review", self.review)
        return STATE_FACTORIES[state](**kwargs)

    def person(self, role: str) -> User:
        return getattr(self, role)


@pytest.fixture
def world(db) -> World:
    # Migrations create the group; a transactional test's flush (tests/*/test_concurren*) does not
    # bring it back, so make sure it is there.
    Group.objects.get_or_create(name=PROGRAM_ADMINS_GROUP)
    program = ProgramFactory(name="Leadership Mentoring")
    PublishedGuidelineFactory(
        program=program,
        acceptable_examples="I've seen a lot of growth in Mary over the past year.",
        breach_examples="Carol was completely disorganized and unprofessional.",
    )
    mentor = UserFactory(username="maria", full_name="Maria Lopez")
    mentee = UserFactory(username="carol", full_name="Carol Chen")
    pair = PairFactory(program=program, mentor=mentor, mentee=mentee)
    agreement = ActiveAgreementFactory(pair=pair)
    supervisor = UserFactory(username="sam", full_name="Sam Reyes")
    review = PromotionReviewFactory(
        program=program, candidate=mentee, supervisor=supervisor, target_role="Team lead"
    )
    panel_member = UserFactory(username="lee", full_name="Lee Park")
    PanelSeatFactory(review=review, user=panel_member)
    other_review = PromotionReviewFactory(program=program, target_role="Other role")
    other_panel_member = UserFactory(username="olga", full_name="Olga Berg")
    PanelSeatFactory(review=other_review, user=other_panel_member)
    return World(
        program=program,
        mentor=mentor,
        mentee=mentee,
        pair=pair,
        agreement=agreement,
        review=review,
        supervisor=supervisor,
        panel_member=panel_member,
        other_panel_member=other_panel_member,
        program_admin=ProgramAdminFactory(username="hana", full_name="Hana Okafor"),
        superuser=UserFactory(
            username="root", full_name="Ada Admin", is_staff=True, is_superuser=True
        ),
        outsider=UserFactory(username="otto", full_name="Otto Outsider"),
    )


def close_agreement(agreement: Agreement, *, status: str, successor: Agreement | None = None):
    """End or supersede an agreement the way agreements.services does: in one transaction,
    the old row's status saved first, the successor (if any) active, then the signal."""
    with transaction.atomic():
        agreement.status = status
        agreement.save()
        if successor is not None:
            successor.status = Agreement.Status.ACTIVE
            successor.save()
        agreement_closed.send(sender=Agreement, agreement=agreement, successor=successor)
