"""The hand-off notifications of a review. Written with the act, with a link and never
statement text.

Each function receives model instances but hands the templates only names, the target role and
a link. The panel hears only of what program admins do (a seat given, the review's status
changed), never of input: an email when something became shared would tell them, when nothing
new is on the page, that it was shared and withdrawn again.
"""

from __future__ import annotations

from mentorship.models import Pair, User
from mentorship.notify import notify
from promotions.models import PanelSeat, PromotionReview, Statement


def _review_context(review: PromotionReview) -> dict:
    return {"candidate": str(review.candidate), "target_role": review.target_role}


def input_invited(*, review: PromotionReview, mentor: User) -> None:
    notify(
        to=mentor,
        kind="promotions.input_invited",
        subject=f"A promotion review of {review.candidate} is open",
        template="emails/promotions/input_invited.txt",
        context=_review_context(review),
        link=review.input_url(),
        required=True,
    )


def panel_seat_added(*, review: PromotionReview, member: User) -> None:
    notify(
        to=member,
        kind="promotions.panel_seat_added",
        subject=f"You are on the panel reviewing {review.candidate}",
        template="emails/promotions/panel_seat_added.txt",
        context=_review_context(review),
        link=review.get_absolute_url(),
    )


def consent_requested(*, statement: Statement) -> None:
    review = statement.review
    notify(
        to=statement.pair.mentee,
        kind="promotions.consent_requested",
        subject="Your mentor asks for your consent",
        template="emails/promotions/consent_requested.txt",
        context={
            **_review_context(review),
            "mentor": str(statement.pair.mentor),
            "kind": statement.get_kind_display().lower(),
        },
        link=review.consent_url(),
        required=True,
    )


def _to_mentor(
    statement: Statement, *, kind: str, subject: str, template: str, extra: dict | None = None
) -> None:
    review = statement.review
    notify(
        to=statement.pair.mentor,
        kind=kind,
        subject=subject,
        template=template,
        context={
            **_review_context(review),
            "mentee": str(statement.pair.mentee),
            "kind": statement.get_kind_display().lower(),
            **(extra or {}),
        },
        link=review.input_url(),
    )


def consent_granted(*, statement: Statement) -> None:
    _to_mentor(
        statement,
        subject=f"{statement.pair.mentee} consented to share your statement",
        kind="promotions.consent_granted",
        template="emails/promotions/consent_granted.txt",
    )


def consent_declined(*, statement: Statement, opted_out: bool = False) -> None:
    _to_mentor(
        statement,
        subject=f"{statement.pair.mentee} declined to share your statement",
        kind="promotions.consent_declined",
        template="emails/promotions/consent_declined.txt",
        extra={"opted_out": opted_out},
    )


def consent_withdrawn(*, statement: Statement) -> None:
    _to_mentor(
        statement,
        subject=f"{statement.pair.mentee} withdrew consent for your statement",
        kind="promotions.consent_withdrawn",
        template="emails/promotions/consent_withdrawn.txt",
    )


def review_status_changed(*, review: PromotionReview) -> None:
    """A program admin moved the review on: the panel decides, or the review is reopened for
    input, or closed."""
    label = review.get_status_display().lower()
    seats = PanelSeat.objects.filter(review=review).select_related("user")
    for seat in seats:
        notify(
            to=seat.user,
            kind="promotions.review_status_changed",
            subject=f"The review of {review.candidate} is now {label}",
            template="emails/promotions/review_status_changed.txt",
            context={**_review_context(review), "status": review.status},
            link=review.get_absolute_url(),
        )


def withdrawn_by_agreement(*, pair: Pair, count: int) -> None:
    for person in (pair.mentor, pair.mentee):
        notify(
            to=person,
            kind="promotions.withdrawn_by_agreement",
            subject="Shared statements were withdrawn when your agreement changed",
            template="emails/promotions/withdrawn_by_agreement.txt",
            context={"other": str(pair.other_member(person)), "count": count},
            link=pair.get_absolute_url(),
        )


# --- Opening and closing, as the candidate and the supervisor hear of them -------------------
# Written for the outbox: notify() is called inside the act's transaction, with a relative link.


def review_opened_for_candidate(*, review: PromotionReview) -> None:
    """The candidate learns of their review and of what they may do about mentor input."""
    notify(
        to=review.candidate,
        kind="promotions.review_opened",
        subject=f"A promotion review of you for {review.target_role} is open",
        template="emails/promotions/review_opened_candidate.txt",
        context={"target_role": review.target_role},
        link=review.consent_url(),
    )


def assessment_due(*, review: PromotionReview) -> None:
    notify(
        to=review.supervisor,
        kind="promotions.assessment_due",
        subject=f"Your assessment of {review.candidate} is due",
        template="emails/promotions/assessment_due.txt",
        context=_review_context(review),
        link=review.assessment_url(),
        required=True,
    )


def review_closed_for_candidate(*, review: PromotionReview) -> None:
    """That the review closed; its outcome only where the program tells it this way
    (Program.candidate_told_outcome), never the panel's note."""
    told = review.program.candidate_told_outcome and bool(review.outcome)
    notify(
        to=review.candidate,
        kind="promotions.review_closed",
        subject=f"Your promotion review for {review.target_role} is closed",
        template="emails/promotions/review_closed_candidate.txt",
        context={
            "target_role": review.target_role,
            "outcome": review.get_outcome_display() if told else "",
        },
        link=review.consent_url(),
    )
