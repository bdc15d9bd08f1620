"""A review's reminders, and the registry of every app's reminders (promotions sees them all).

Run by `manage.py send_reminders` (mentorship/reminders.py explains the machinery). The
consent reminder goes to the candidate, the only person who decides and may open the consent
page; it names the review, never a statement, its kind, its text or its author, and it stops
for good once the candidate asked not to be asked for consent in the review: a reminder then
would be the pressure the opt-out refuses. The assessment reminder goes to the review's present
supervisor and depends on nothing of the mentors' input. The closing reminder goes to the panel
three days before the decision date while no outcome is recorded, and reads nothing of the input.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Exists, F, Min, OuterRef, Q
from django.utils import timezone

from agreements.reminders import REMINDERS as AGREEMENT_REMINDERS
from mentorship.reminders import REMINDERS as MENTORSHIP_REMINDERS
from mentorship.reminders import Due, Reminder, start_of_day
from promotions.models import ConsentOptOut, PromotionReview, Statement

CONSENT_AFTER = datetime.timedelta(days=2)
ASSESSMENT_AFTER = datetime.timedelta(days=3)
CLOSING_WITHIN = datetime.timedelta(days=3)


def _consent_awaiting(now: datetime.datetime) -> Iterator[Due]:
    """Candidates with statements awaiting their consent, two days after the oldest request,
    in reviews not closed and not opted out of."""
    awaiting = Q(
        statements__state=Statement.State.AWAITING_CONSENT,
        statements__pair__mentee=F("candidate"),
    )
    reviews = (
        PromotionReview.objects.not_closed()
        .annotate(oldest_request=Min("statements__submitted_at", filter=awaiting))
        .filter(oldest_request__lte=now - CONSENT_AFTER)
        .exclude(
            Exists(
                ConsentOptOut.objects.filter(review=OuterRef("pk"), mentee=OuterRef("candidate"))
            )
        )
        .select_related("candidate")
        .order_by("pk")
    )
    for review in reviews:
        yield Due(
            recipient=review.candidate,
            target=f"review:{review.pk}",
            link=review.consent_url(),
            context={"target_role": review.target_role},
            due_at=review.oldest_request + CONSENT_AFTER,
        )


CONSENT_AWAITING = Reminder(
    kind="promotions.reminder_consent",
    period=datetime.timedelta(days=3),
    subject="Reminder: input for your review waits for your decision",
    template="emails/promotions/reminder_consent.txt",
    find=_consent_awaiting,
)


def _assessment_due(now: datetime.datetime) -> Iterator[Due]:
    """Supervisors of reviews not closed whose assessment is unwritten three days after the
    review opened."""
    reviews = (
        PromotionReview.objects.not_closed()
        .filter(supervisor_assessment="", created_at__lte=now - ASSESSMENT_AFTER)
        .select_related("supervisor", "candidate")
        .order_by("pk")
    )
    for review in reviews:
        yield Due(
            recipient=review.supervisor,
            target=f"review:{review.pk}",
            link=review.assessment_url(),
            context={"candidate": str(review.candidate), "target_role": review.target_role},
            due_at=review.created_at + ASSESSMENT_AFTER,
        )


ASSESSMENT_DUE = Reminder(
    kind="promotions.reminder_assessment",
    period=datetime.timedelta(days=3),
    subject="Reminder: your assessment of {candidate} is due",
    template="emails/promotions/reminder_assessment.txt",
    find=_assessment_due,
)


def _review_closing(now: datetime.datetime) -> Iterator[Due]:
    """Panel members of reviews not closed whose decision date is at most three days away and
    whose outcome is not recorded: the panel's own step. It reads the review and the seats,
    never the input, so what a panel member receives cannot depend on mentors or consent."""
    today = timezone.localtime(now).date()
    reviews = (
        PromotionReview.objects.not_closed()
        .filter(
            decision_date__isnull=False,
            decision_date__gte=today,
            decision_date__lte=today + CLOSING_WITHIN,
            outcome="",
        )
        .select_related("candidate")
        .prefetch_related("seats__user")
        .order_by("pk")
    )
    for review in reviews:
        for seat in review.seats.all():
            yield Due(
                recipient=seat.user,
                target=f"review:{review.pk}",
                link=review.get_absolute_url(),
                context={
                    "candidate": str(review.candidate),
                    "target_role": review.target_role,
                    "decision_date": review.decision_date,
                },
                due_at=start_of_day(review.decision_date - CLOSING_WITHIN),
            )


REVIEW_CLOSING = Reminder(
    kind="promotions.reminder_review_closing",
    # Once per review: the window is three days, the period longer than that.
    period=datetime.timedelta(days=30),
    subject="Reminder: the decision on {candidate}'s review is due soon",
    template="emails/promotions/reminder_review_closing.txt",
    find=_review_closing,
)

REMINDERS: tuple[Reminder, ...] = (CONSENT_AWAITING, ASSESSMENT_DUE, REVIEW_CLOSING)

# Every app's reminders, in the order `send_reminders` runs them.
ALL: tuple[Reminder, ...] = (*MENTORSHIP_REMINDERS, *AGREEMENT_REMINDERS, *REMINDERS)
