"""A review's reminders, and the registry of every app's reminders (promotions sees them all).

Run by `manage.py send_reminders` (mentorship/reminders.py explains the machinery). The
consent reminder goes to the candidate, the only person who decides and may open the consent
page; it names the review, never a statement, its kind, its text or its author, and it stops
for good once the candidate asked not to be asked for consent in the review: a reminder then
would be the pressure the opt-out refuses. The assessment reminder goes to the review's present
supervisor and depends on nothing of the mentors' input. No panel member gets a reminder.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Exists, F, Min, OuterRef, Q

from agreements.reminders import REMINDERS as AGREEMENT_REMINDERS
from mentorship.reminders import REMINDERS as MENTORSHIP_REMINDERS
from mentorship.reminders import Due, Reminder
from promotions.models import ConsentOptOut, PromotionReview, Statement

CONSENT_AFTER = datetime.timedelta(days=2)
ASSESSMENT_AFTER = datetime.timedelta(days=3)


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

# NOT BUILT: "review closing soon" (to whoever still has a step in a review whose decision is
# near) needs the review's decision date, which another change adds to PromotionReview. Its
# Reminder goes here, and into ALL below, once that field exists.
REVIEW_CLOSING_SOON: Reminder | None = None
MISSING = {"promotions.reminder_review_closing_soon": "needs the review's decision date"}

REMINDERS: tuple[Reminder, ...] = (CONSENT_AWAITING, ASSESSMENT_DUE)

# Every app's reminders, in the order `send_reminders` runs them.
ALL: tuple[Reminder, ...] = (*MENTORSHIP_REMINDERS, *AGREEMENT_REMINDERS, *REMINDERS)
