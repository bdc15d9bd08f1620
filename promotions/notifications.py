"""The hand-off emails of a review. Sent after commit, with a link and never statement text.

Each function receives model instances but hands the templates only names, the target role and
a link. The panel hears about statements only when something becomes shared, so what reaches a
panel member never depends on input that was not shared.
"""

from __future__ import annotations

from mentorship.models import Pair, User
from mentorship.notify import absolute_url, notify_on_commit
from promotions.models import PanelSeat, PromotionReview, Statement


def _review_context(review: PromotionReview) -> dict:
    return {"candidate": str(review.candidate), "target_role": review.target_role}


def input_invited(*, review: PromotionReview, mentor: User) -> None:
    notify_on_commit(
        to=mentor,
        subject=f"A promotion review of {review.candidate} is open",
        template="emails/promotions/input_invited.txt",
        context={**_review_context(review), "link": absolute_url(review.input_url())},
    )


def panel_seat_added(*, review: PromotionReview, member: User) -> None:
    notify_on_commit(
        to=member,
        subject=f"You are on the panel reviewing {review.candidate}",
        template="emails/promotions/panel_seat_added.txt",
        context={**_review_context(review), "link": absolute_url(review.get_absolute_url())},
    )


def consent_requested(*, statement: Statement) -> None:
    review = statement.review
    notify_on_commit(
        to=statement.pair.mentee,
        subject="Your mentor asks for your consent",
        template="emails/promotions/consent_requested.txt",
        context={
            **_review_context(review),
            "mentor": str(statement.pair.mentor),
            "kind": statement.get_kind_display().lower(),
            "link": absolute_url(review.consent_url()),
        },
    )


def _to_mentor(statement: Statement, *, subject: str, template: str) -> None:
    review = statement.review
    notify_on_commit(
        to=statement.pair.mentor,
        subject=subject,
        template=template,
        context={
            **_review_context(review),
            "mentee": str(statement.pair.mentee),
            "kind": statement.get_kind_display().lower(),
            "link": absolute_url(review.input_url()),
        },
    )


def consent_granted(*, statement: Statement) -> None:
    _to_mentor(
        statement,
        subject=f"{statement.pair.mentee} consented to share your statement",
        template="emails/promotions/consent_granted.txt",
    )


def consent_declined(*, statement: Statement) -> None:
    _to_mentor(
        statement,
        subject=f"{statement.pair.mentee} declined to share your statement",
        template="emails/promotions/consent_declined.txt",
    )


def consent_withdrawn(*, statement: Statement) -> None:
    _to_mentor(
        statement,
        subject=f"{statement.pair.mentee} withdrew consent for your statement",
        template="emails/promotions/consent_withdrawn.txt",
    )


def statements_available(*, review: PromotionReview) -> None:
    """Sent only when a statement has just become shared: the same email every time."""
    seats = PanelSeat.objects.filter(review=review).select_related("user")
    for seat in seats:
        notify_on_commit(
            to=seat.user,
            subject=f"New mentor input on the review of {review.candidate}",
            template="emails/promotions/statements_available.txt",
            context={**_review_context(review), "link": absolute_url(review.get_absolute_url())},
        )


def withdrawn_by_agreement(*, pair: Pair, count: int) -> None:
    for person in (pair.mentor, pair.mentee):
        notify_on_commit(
            to=person,
            subject="Shared statements were withdrawn when your agreement changed",
            template="emails/promotions/withdrawn_by_agreement.txt",
            context={
                "other": str(pair.other_member(person)),
                "count": count,
                "link": absolute_url(pair.get_absolute_url()),
            },
        )
