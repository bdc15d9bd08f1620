"""One world for the security suite: every role, every object state, a marker in every
confidential field, all built through the real services.

Roles are per object (domain.md): "mentor" and "mentee" mean the two members of the pair the
object belongs to; the other roles are the same people throughout:

    anonymous            nobody logged in
    outsider             Otto, logged in, involved in nothing
    mentor               Maria, mentor of every pair here
    mentee               Carol (main pair), Dana (fresh pair) or Erik (ended pair)
    panel_member         Lee, on the panel of Carol's open and closed reviews
    other_panel_member   Olga, on the panel of another candidate's review only
    supervisor           Sam, Carol's supervisor on her reviews
    program_admin        Hana, staff in the "Program admins" group
    superuser            Ada

The world is built once per test module inside a transaction that is rolled back at the end
(`world`); each test runs in a savepoint inside it, so what a test changes never reaches the
next one. Tests with real concurrent transactions build their own with `build_world()`.
"""

from __future__ import annotations

import datetime
import itertools
import smtplib
from collections import Counter
from dataclasses import dataclass, field
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import send_mail
from django.db import transaction
from django.test import override_settings
from django.test.signals import template_rendered
from django.utils import timezone

from agreements.models import Agreement, Question
from agreements.services import (
    agreement_end,
)
from mentorship.models import (
    Guideline,
    Meeting,
    Notification,
    Pair,
    Program,
    SingleSignOnIdentity,
    User,
)
from mentorship.roles import PROGRAM_ADMINS_GROUP, sync_program_admins_group
from mentorship.services import meeting_record
from promotions.models import BreachPhrase, PromotionReview, Statement, text_sha256
from promotions.services import (
    assessment_write,
    consent_decline,
    consent_grant,
    consent_withdraw,
    review_change_status,
    review_opened,
    review_panel_changed,
    statement_create,
    statement_submit,
)
from tests.factories import (
    GuidelineFactory,
    MeetingFactory,
    PairFactory,
    PanelSeatFactory,
    ProgramFactory,
    PromotionReviewFactory,
    UserFactory,
)
from tests.factories.worlds import (
    answer_all,
    build_cast,
    person,
    propose,
    sign,
    superuser,
)
from tests.outbox import run_worker

# Counts the suite reports at the end (pytest_terminal_summary in tests/conftest.py).
STATS: Counter[str] = Counter()


@dataclass(frozen=True)
class Marker:
    """A unique text planted in one confidential field, and who may read it (usernames)."""

    label: str
    text: str
    readers: frozenset[str]

    @property
    def words(self) -> list[str]:
        return self.text.split()


@dataclass
class World:
    users: dict[str, User]
    program: Program
    guideline: Guideline
    draft_guideline: Guideline
    pairs: dict[str, Pair]
    agreements: dict[str, Agreement]
    statements: dict[str, Statement]
    reviews: dict[str, PromotionReview]
    breach_phrase: BreachPhrase
    meetings: list[Meeting]
    markers: dict[str, Marker] = field(default_factory=dict)
    failed_email: Notification | None = None
    sso_identity: SingleSignOnIdentity | None = None
    emails: list = field(default_factory=list)
    email_templates: set[str] = field(default_factory=set)

    # Roles -------------------------------------------------------------------------------

    def role_user(self, role: str, pair: Pair | None = None) -> User | None:
        """The user playing `role` for an object of `pair` (None: anonymous)."""
        if role == "anonymous":
            return None
        pair = pair or self.pairs["agreed"]
        if role == "mentor":
            return pair.mentor
        if role == "mentee":
            return pair.mentee
        return self.users[ROLE_USERNAMES[role]]

    def person(self, role: str) -> User | None:
        return self.role_user(role)

    def people(self) -> list[User]:
        return list(self.users.values())


ROLE_USERNAMES = {
    "outsider": "otto",
    "panel_member": "lee",
    "other_panel_member": "olga",
    "supervisor": "sam",
    "program_admin": "hana",
    "superuser": "ada",
}


class _MarkerMaker:
    """Deterministic two-word markers: "Canary07DeclineReason Sentinel07DeclineReason"."""

    def __init__(self) -> None:
        self.counter = itertools.count(1)
        self.markers: dict[str, Marker] = {}

    def __call__(self, label: str, *readers: str) -> str:
        n = next(self.counter)
        text = f"Canary{n:02d}{label} Sentinel{n:02d}{label}"
        self.markers[label] = Marker(label=label, text=text, readers=frozenset(readers))
        return text


def _statement(review, mentor, text, *, steps=(), mentee=None, reason="") -> Statement:
    statement = statement_create(review_id=review.pk, mentor=mentor, kind="advocacy", text=text)
    for step in steps:
        if step == "submit":
            statement_submit(statement_id=statement.pk, mentor=mentor)
        elif step == "consent":
            consent_grant(
                statement_id=statement.pk, mentee=mentee, text_sha256_seen=text_sha256(text)
            )
        elif step == "decline":
            consent_decline(statement_id=statement.pk, mentee=mentee, reason=reason)
        elif step == "withdraw":
            consent_withdraw(statement_id=statement.pk, mentee=mentee)
    statement.refresh_from_db()
    return statement


def build_world() -> World:
    """Everything, through the services; then the worker sends the notifications' emails."""
    mail.outbox = []
    rendered: list[str] = []

    def record(sender, template, context, **kwargs) -> None:
        rendered.append(template.name)

    template_rendered.connect(record, dispatch_uid="security-world")
    try:
        world = _build_world()
        world.failed_email = _send_all_but_danas_email(world)
        # Carol signed in once through the company's provider (an issuer no test configures).
        world.sso_identity = SingleSignOnIdentity.objects.create(
            user=world.users["carol"], issuer="https://sso.example.com", subject="carol-00u1"
        )
    finally:
        template_rendered.disconnect(dispatch_uid="security-world")
    world.emails = list(mail.outbox)
    world.email_templates = {name for name in rendered if name and name.startswith("emails/")}
    return world


def _send_all_but_danas_email(world: World) -> Notification:
    """The worker sends every email but Dana's, whose address the mail server refuses: after
    its one allowed attempt it is a failed email, for the program admin's undelivered list."""
    dana = world.users["dana"]

    def refuse_dana(subject, body, sender, recipients, **kwargs):
        if recipients == [dana.email]:
            raise smtplib.SMTPRecipientsRefused({dana.email: (550, b"No such user")})
        return send_mail(subject, body, sender, recipients, **kwargs)

    with (
        override_settings(NOTIFICATION_MAX_ATTEMPTS=1),
        mock.patch("mentorship.notify.send_mail", side_effect=refuse_dana),
    ):
        run_worker()
    return Notification.objects.get(recipient=dana, email=Notification.Email.FAILED)


def _build_world() -> World:
    sync_program_admins_group()
    mark = _MarkerMaker()
    # Gets the default questionnaire. Carol's open review holds a statement in every state, and
    # the matrix asks for consent once more: above the default limit of consent requests.
    cast = build_cast(program={"consent_requests_per_review": 10}, guideline={"version": 1})
    program, guideline = cast.program, cast.guideline
    others = {
        "dana": "Dana Fresh",
        "erik": "Erik Ended",
        "quinn": "Quinn Other",
        "uma": "Uma Other",
    }
    users = {
        "maria": cast.mentor,
        "carol": cast.mentee,
        "lee": cast.panel_member,
        "olga": person("olga"),
        "sam": cast.supervisor,
        "otto": person("otto"),
        "hana": cast.program_admin,
        "ada": superuser("ada"),
    }
    users.update({u: UserFactory(username=u, full_name=name) for u, name in others.items()})
    assert users["hana"].groups.filter(name=PROGRAM_ADMINS_GROUP).exists()
    maria, carol = users["maria"], users["carol"]
    draft_guideline = GuidelineFactory(program=program, title="Next version (draft)")
    breach_phrase = BreachPhrase.objects.create(
        program=program, phrase="not a team player", explanation="Judges the employee."
    )

    # The main pair: questionnaire done, a history of agreements in every state.
    agreed = cast.pair
    answer_all(agreed, maria, comment=mark("MentorAnswer", "maria", "carol"))
    answer_all(agreed, carol, comment=mark("MenteeAnswer", "maria", "carol"))
    ended = propose(agreed, exceptions=mark("EndedExceptions", "maria", "carol"))
    sign(ended, maria, carol)
    agreement_end(agreement_id=ended.pk, by=carol, reason=mark("EndReason", "maria", "carol"))
    superseded = propose(agreed, exceptions="First amendment.")
    sign(superseded, maria, carol)
    active = propose(agreed, exceptions=mark("ActiveExceptions", "maria", "carol"))
    sign(active, maria, carol)
    void = propose(agreed, exceptions=mark("VoidExceptions", "maria", "carol"))
    sign(void, carol)
    awaiting = propose(agreed, exceptions=mark("AwaitingExceptions", "maria", "carol"))
    sign(awaiting, maria)
    meetings = [
        meeting_record(
            pair=agreed,
            by=maria,
            held_on=timezone.localdate() - datetime.timedelta(days=3),
            duration_minutes=50,
            status=Meeting.Status.HELD,
            notes=mark("MeetingNotes", "maria", "carol"),
        )
    ]

    # A fresh pair: Maria submitted her answers, Dana saved hers but has not submitted.
    fresh = PairFactory(program=program, mentor=maria, mentee=users["dana"])
    answer_all(fresh, maria, comment=mark("FreshMentorAnswer", "maria"))
    answer_all(fresh, users["dana"], comment=mark("FreshMenteeAnswer", "dana"), submit=False)

    # An ended pair with a meeting in its log.
    ended_pair = PairFactory(program=program, mentor=maria, mentee=users["erik"])
    meetings.append(MeetingFactory(pair=ended_pair, notes=mark("EndedPairNotes", "maria", "erik")))
    Pair.objects.filter(pk=ended_pair.pk).update(
        status=Pair.Status.ENDED, ended_on=timezone.localdate()
    )
    ended_pair.refresh_from_db()

    # Carol's open review and its statements in every state.
    hana = users["hana"]
    review = cast.review
    review_opened(review=review, by=hana)
    review_panel_changed(review=review, by=hana, added=[users["lee"].pk], removed=[])
    assessment_write(
        review_id=review.pk, supervisor=users["sam"], text=mark("Assessment", "sam", "lee")
    )
    reviewers = ("maria", "carol")
    statements = {
        "draft": _statement(review, maria, mark("DraftText", "maria")),
        "awaiting_consent": _statement(
            review, maria, mark("AwaitingText", *reviewers), steps=["submit"]
        ),
        "shared": _statement(
            review,
            maria,
            mark("SharedText", *reviewers, "lee"),
            steps=["submit", "consent"],
            mentee=carol,
        ),
        "declined": _statement(
            review,
            maria,
            mark("DeclinedText", *reviewers),
            steps=["submit", "decline"],
            mentee=carol,
            reason=mark("DeclineReason", *reviewers),
        ),
        "withdrawn": _statement(
            review,
            maria,
            mark("WithdrawnText", *reviewers),
            steps=["submit", "consent", "withdraw"],
            mentee=carol,
        ),
    }

    # A closed review of Carol with a shared statement frozen in it.
    closed = PromotionReviewFactory(
        program=program, candidate=carol, supervisor=users["sam"], target_role="Head of unit"
    )
    PanelSeatFactory(review=closed, user=users["lee"])
    assessment_write(
        review_id=closed.pk,
        supervisor=users["sam"],
        text=mark("ClosedAssessment", "sam", "lee"),
    )
    statements["shared_closed"] = _statement(
        closed,
        maria,
        mark("ClosedSharedText", *reviewers, "lee"),
        steps=["submit", "consent"],
        mentee=carol,
    )
    review_change_status(review_id=closed.pk, status=PromotionReview.Status.CLOSED, by=hana)
    closed.refresh_from_db()

    # Another candidate's review: Olga sits on its panel, and on nothing of Carol's.
    other = PromotionReviewFactory(
        program=program, candidate=users["quinn"], supervisor=users["uma"], target_role="Other"
    )
    PanelSeatFactory(review=other, user=users["olga"])
    assessment_write(
        review_id=other.pk, supervisor=users["uma"], text=mark("OtherAssessment", "uma", "olga")
    )

    for agreement in (ended, superseded, active, void, awaiting):
        agreement.refresh_from_db()
    review.refresh_from_db()
    world = World(
        users=users,
        program=program,
        guideline=guideline,
        draft_guideline=draft_guideline,
        pairs={"agreed": agreed, "fresh": fresh, "ended": ended_pair},
        agreements={
            "awaiting_signatures": awaiting,
            "active": active,
            "ended": ended,
            "superseded": superseded,
            "void": void,
        },
        statements=statements,
        reviews={"open": review, "closed": closed, "other": other},
        breach_phrase=breach_phrase,
        meetings=meetings,
        markers=mark.markers,
    )
    _check_world(world)
    return world


def _check_world(world: World) -> None:
    """The states the matrix relies on, asserted once so a drift fails loudly here."""
    assert {k: a.status for k, a in world.agreements.items()} == {k: k for k in world.agreements}, (
        "agreement states"
    )
    expected = {k: k.removesuffix("_closed") for k in world.statements}
    assert {k: s.state for k, s in world.statements.items()} == expected, "statement states"
    assert world.reviews["closed"].status == PromotionReview.Status.CLOSED
    assert Question.objects.filter(program=world.program).exists()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world, built once per module and rolled back after it (see the module docstring)."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)


def pytest_sessionfinish(session):
    # A pytest-xdist worker hands its counts to the controller; tests/conftest.py prints them.
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["security_stats"] = dict(STATS)


@pytest.fixture
def hana(program_admin):
    """The program admin by name, as the dashboard's disclosure tests speak of her."""
    return program_admin


@pytest.fixture
def program():
    return ProgramFactory(name="Leadership Mentoring")
