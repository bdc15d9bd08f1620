"""The review world most tests start from, built in one place: Carol, mentored by Maria under
an active agreement, up for a promotion with Sam as supervisor and Lee on the panel; Olga on
another review's panel; a program admin, a superuser and an outsider. A test module adds only
what it is about (statements in a state, more seats) to it.

The security suite's world (tests/security/conftest.py) is another thing: every object in
every state, with a marker in each confidential field, built through the services.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group

from agreements.models import Agreement
from mentorship.models import Pair, Program, User
from mentorship.permissions import PROGRAM_ADMINS_GROUP
from promotions.models import PromotionReview, Statement
from tests.factories.agreements import ActiveAgreementFactory
from tests.factories.mentorship import (
    PairFactory,
    ProgramAdminFactory,
    ProgramFactory,
    PublishedGuidelineFactory,
    UserFactory,
)
from tests.factories.promotions import (
    AwaitingConsentStatementFactory,
    DeclinedStatementFactory,
    PanelSeatFactory,
    PromotionReviewFactory,
    SharedStatementFactory,
    StatementFactory,
    WithdrawnStatementFactory,
)

STATE_FACTORIES = {
    Statement.State.DRAFT: StatementFactory,
    Statement.State.AWAITING_CONSENT: AwaitingConsentStatementFactory,
    Statement.State.SHARED: SharedStatementFactory,
    Statement.State.DECLINED: DeclinedStatementFactory,
    Statement.State.WITHDRAWN: WithdrawnStatementFactory,
}


@dataclass
class ReviewWorld:
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


def build_review_world() -> ReviewWorld:
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
    return ReviewWorld(
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
