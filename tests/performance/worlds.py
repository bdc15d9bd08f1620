"""A cast whose own lists grow: every page is measured at size n and again at 10 n.

At size n, for the same people:
- maria mentors n active pairs (carol's is the first), each with an active agreement and an
  open review of the mentee with lee on its panel and sam as supervisor;
- maria and carol amended their agreement n times (history of n signed agreements, made
  through the real services) and logged 3 n meetings;
- carol's review has n statements in every state from maria, its panel grows by one member
  per step, and each member was shown every shared statement;
- carol is the candidate in n - 1 more reviews, each with a statement awaiting her consent
  (and without a panel);
- lee sits on n - 1 closed reviews, n - 1 pairs are proposed and n - 1 emails failed;
- everyone else: a seed_scale batch of 40 users per step (pairs, agreements, reviews,
  statements and audit events in proportion).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from agreements.models import Agreement
from mentorship.models import Meeting, Notification, Pair, Program, User
from promotions import scale
from promotions.models import PromotionReview, Statement, StatementView, text_sha256
from tests.factories import (
    ActiveAgreementFactory,
    AwaitingConsentStatementFactory,
    PairFactory,
    PanelSeatFactory,
    PromotionReviewFactory,
    UserFactory,
    worlds,
)
from tests.factories.worlds import STATE_FACTORIES, answer_all, propose, sign

BACKGROUND_USERS_PER_STEP = 40


@dataclass
class Cast:
    program: Program
    maria: User  # mentor
    carol: User  # mentee and candidate
    lee: User  # panel member
    sam: User  # supervisor
    hana: User  # program admin
    root: User  # superuser
    pair: Pair
    review: PromotionReview
    size: int = 0

    @property
    def agreement(self) -> Agreement:
        return Agreement.objects.active_for(self.pair)

    def statement(self, state: str) -> Statement:
        return Statement.objects.filter(review=self.review, state=state).order_by("pk").first()


def build_cast() -> Cast:
    """The people and carol's pair (questionnaire submitted) and review; no lists yet."""
    cast = worlds.build_cast(
        guideline={"version": 1},
        pair={"started_on": timezone.localdate() - datetime.timedelta(days=400)},
    )
    for person in (cast.mentor, cast.mentee):
        answer_all(cast.pair, person)
    return Cast(
        program=cast.program,
        maria=cast.mentor,
        carol=cast.mentee,
        lee=cast.panel_member,
        sam=cast.supervisor,
        hana=cast.program_admin,
        root=worlds.superuser(),
        pair=cast.pair,
        review=cast.review,
    )


def grow(cast: Cast, to: int) -> Cast:
    """Add the items for steps cast.size .. to - 1 (see the module docstring)."""
    today = timezone.localdate()
    meetings = []
    for n in range(cast.size, to):
        # One more signed agreement for carol's pair (the first one for n == 0).
        sign(propose(cast.pair, exceptions=f"Amendment {n}."), cast.maria, cast.carol)
        for k in range(3):
            meetings.append(
                Meeting(
                    pair=cast.pair,
                    held_on=today - datetime.timedelta(days=14 * (3 * n + k) + 1),
                    duration_minutes=45,
                    status=Meeting.Status.HELD if k else Meeting.Status.MISSED,
                    notes=f"Notes {n}.{k}",
                    recorded_by=cast.maria,
                )
            )
        if n:
            mentee = UserFactory(username=f"mentee{n}", full_name=f"Mentee Number{n}")
            pair = PairFactory(program=cast.program, mentor=cast.maria, mentee=mentee)
            ActiveAgreementFactory(pair=pair)
            meetings.append(
                Meeting(pair=pair, held_on=today, duration_minutes=30, recorded_by=cast.maria)
            )
            review = PromotionReviewFactory(
                program=cast.program, candidate=mentee, supervisor=cast.sam, target_role="Lead"
            )
            PanelSeatFactory(review=review, user=cast.lee)
            other = PromotionReviewFactory(
                program=cast.program, candidate=cast.carol, supervisor=cast.sam, target_role="Head"
            )
            AwaitingConsentStatementFactory(pair=cast.pair, review=other)
            # What the dashboard's role sections list: a closed review on lee's panel, a
            # proposed pair waiting for a start, an email that could not be delivered.
            closed = PromotionReviewFactory(
                program=cast.program, candidate=mentee, supervisor=cast.sam, target_role="Past"
            )
            PanelSeatFactory(review=closed, user=cast.lee)
            closed.status = PromotionReview.Status.CLOSED
            closed.closed_at = timezone.now()
            closed.save(update_fields=["status", "closed_at"])
            PairFactory(program=cast.program, status=Pair.Status.PROPOSED, started_on=None)
            Notification.objects.create(
                recipient=mentee,
                kind="promotions.test",
                subject="Undelivered",
                body="Undelivered.",
                link="/",
                email=Notification.Email.FAILED,
            )
        for factory in STATE_FACTORIES.values():
            factory(pair=cast.pair, review=cast.review, text=f"Growth I saw, step {n}.")
        member = cast.lee if n == 0 else UserFactory(username=f"panel{n}")
        if n:
            PanelSeatFactory(review=cast.review, user=member)
    Meeting.objects.bulk_create(meetings)
    shared = Statement.objects.filter(review=cast.review, consented_at__isnull=False)
    seats = list(cast.review.seats.select_related("user"))
    StatementView.objects.bulk_create(
        StatementView(
            statement=s, viewer=seat.user, viewed_at=timezone.now(), text_sha256=text_sha256(s.text)
        )
        for s in shared
        for seat in seats
        if not StatementView.objects.filter(statement=s, viewer=seat.user).exists()
    )
    scale.seed(BACKGROUND_USERS_PER_STEP * (to - cast.size))
    cast.size = to
    return cast
