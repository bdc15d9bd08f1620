"""The source document's people and the worlds built from them, in one place.

`build_cast` makes what every world starts from: the Leadership Mentoring program with a
published guideline, Maria mentoring Carol, and (unless asked not to) Carol up for a promotion
with Sam as supervisor and Lee on the panel, and Hana as program admin. Each world adds only what
it is about: `build_review_world` (the one most tests start from) an active agreement, Olga on
another review's panel, a superuser and an outsider; the page tour, the growing lists of
tests/performance and the security suite their own histories, made through the services with
`answer_all`, `propose` and `sign`.

The security suite's world (tests/security/conftest.py) is every object in every state, with a
marker in each confidential field, built through the services on top of the cast.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.utils import timezone

from agreements.models import Agreement, Answer
from agreements.selectors import asked_questions
from agreements.services import agreement_propose, agreement_sign, questionnaire_answer
from mentorship.models import Guideline, Pair, Program, User
from mentorship.roles import PROGRAM_ADMINS_GROUP
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

PASSWORD = "pw"  # UserFactory's

# Terms that allow everything a statement may be about, with no exceptions written.
OPEN_TERMS = {
    "confidentiality_scope": Agreement.Scope.AGREED_EXCEPTIONS,
    "allows_promotion_participation": True,
    "allows_advocacy": True,
    "allows_engagement": True,
    "exceptions": "",
}

# Who someone is to an object (docs/domain.md): "mentor" and "mentee" are the two members of the
# object's pair; the others are the same people throughout a world.
ROLES = (
    "anonymous",
    "outsider",
    "mentor",
    "mentee",
    "panel_member",
    "other_panel_member",
    "supervisor",
    "program_admin",
    "superuser",
)

PEOPLE = {
    "maria": "Maria Lopez",
    "carol": "Carol Chen",
    "sam": "Sam Reyes",
    "lee": "Lee Park",
    "olga": "Olga Berg",
    "hana": "Hana Okafor",
    "otto": "Otto Outsider",
}

STATE_FACTORIES = {
    Statement.State.DRAFT: StatementFactory,
    Statement.State.AWAITING_CONSENT: AwaitingConsentStatementFactory,
    Statement.State.SHARED: SharedStatementFactory,
    Statement.State.DECLINED: DeclinedStatementFactory,
    Statement.State.WITHDRAWN: WithdrawnStatementFactory,
}


def person(username: str, **fields) -> User:
    """One of the source document's people, by first name."""
    return UserFactory(username=username, full_name=PEOPLE[username], **fields)


def superuser(username: str = "root") -> User:
    return UserFactory(username=username, full_name="Ada Admin", is_staff=True, is_superuser=True)


def answer_all(pair: Pair, person: User, *, overrides=None, comment="", submit=True) -> None:
    """Answer every statement (the guideline's answer, or agree), optionally submit."""
    answers = {
        q.pk: (q.guideline_answer or Answer.Value.AGREE, comment) for q in asked_questions(pair)
    }
    answers.update(overrides or {})
    questionnaire_answer(pair_id=pair.pk, respondent=person, answers=answers, submit=submit)


def propose(pair: Pair, by: User | None = None, **terms) -> Agreement:
    return agreement_propose(pair_id=pair.pk, by=by or pair.mentor, **{**OPEN_TERMS, **terms})


def sign(agreement: Agreement, *people: User) -> None:
    for signer in people:
        agreement_sign(
            agreement_id=agreement.pk,
            signer=signer,
            typed_name=signer.full_name,
            password=PASSWORD,
            text_sha256=agreement.text_sha256,
        )


@dataclass
class Cast:
    program: Program
    guideline: Guideline
    mentor: User
    mentee: User
    pair: Pair
    program_admin: User
    supervisor: User | None = None
    panel_member: User | None = None
    review: PromotionReview | None = None


def build_cast(
    *,
    program: dict | None = None,
    guideline: dict | None = None,
    mentor: dict | None = None,
    mentee: dict | None = None,
    pair: dict | None = None,
    review: dict | None = None,
    with_review: bool = True,
) -> Cast:
    """Maria mentoring Carol in the Leadership Mentoring program, Hana as program admin and,
    with_review, Carol's review by Sam and Lee. Each dict sets fields of that object."""
    # Migrations create the group; a transactional test's flush (tests/*/test_concurren*) does not
    # bring it back, so make sure it is there.
    Group.objects.get_or_create(name=PROGRAM_ADMINS_GROUP)
    the_program = ProgramFactory(name="Leadership Mentoring", **(program or {}))
    cast = Cast(
        program=the_program,
        guideline=PublishedGuidelineFactory(program=the_program, **(guideline or {})),
        mentor=person("maria", **(mentor or {})),
        mentee=person("carol", **(mentee or {})),
        pair=None,
        program_admin=ProgramAdminFactory(username="hana", full_name=PEOPLE["hana"]),
    )
    cast.pair = PairFactory(
        program=the_program, mentor=cast.mentor, mentee=cast.mentee, **(pair or {})
    )
    if with_review:
        cast.supervisor = person("sam")
        cast.panel_member = person("lee")
        cast.review = PromotionReviewFactory(
            program=the_program,
            candidate=cast.mentee,
            supervisor=cast.supervisor,
            **{"target_role": "Team lead", **(review or {})},
        )
        PanelSeatFactory(review=cast.review, user=cast.panel_member)
    return cast


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

    def close_review(self) -> None:
        """Close Carol's review as of now, after everything the test made in it."""
        self.review.status = PromotionReview.Status.CLOSED
        self.review.closed_at = timezone.now()
        self.review.save()


def build_review_world() -> ReviewWorld:
    cast = build_cast(
        guideline={
            "acceptable_examples": "I've seen a lot of growth in Mary over the past year.",
            "breach_examples": "Carol was completely disorganized and unprofessional.",
        }
    )
    other_review = PromotionReviewFactory(program=cast.program, target_role="Other role")
    other_panel_member = person("olga")
    PanelSeatFactory(review=other_review, user=other_panel_member)
    return ReviewWorld(
        program=cast.program,
        mentor=cast.mentor,
        mentee=cast.mentee,
        pair=cast.pair,
        agreement=ActiveAgreementFactory(pair=cast.pair),
        review=cast.review,
        supervisor=cast.supervisor,
        panel_member=cast.panel_member,
        other_panel_member=other_panel_member,
        program_admin=cast.program_admin,
        superuser=superuser(),
        outsider=person("otto"),
    )
