"""What needs a user's attention on the dashboard ("My mentoring"), registered in apps.py."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Exists, OuterRef
from django.utils import timezone

from mentorship.models import Pair, User
from mentorship.selectors import AttentionItem
from promotions.models import PromotionReview, Statement

SENT_BACK_DAYS = 14


def consents_awaiting(user: User, limit: int | None = None) -> Iterable[AttentionItem]:
    """Statements about the user that wait for their consent, oldest request first."""
    statements = (
        Statement.objects.visible_to(user)
        .awaiting_consent_of(user)
        .select_related("review", "pair__mentor")
        .order_by("updated_at", "pk")
    )
    for statement in statements[:limit]:
        yield AttentionItem(
            message=(
                f"{statement.pair.mentor} asks for your consent to share "
                f"{statement.get_kind_display().lower()} input with the panel of your review "
                f"for {statement.review.target_role}."
            ),
            url=f"{statement.review.consent_url()}#statement-{statement.pk}",
            action="Read and decide",
        )


def input_invitations(user: User, limit: int | None = None) -> Iterable[AttentionItem]:
    """Open reviews of the user's mentee for which the user has written nothing yet."""
    if not user.is_authenticated:
        return
    mentoring = Pair.objects.active().filter(
        program=OuterRef("program"), mentee=OuterRef("candidate"), mentor=user
    )
    written = Statement.objects.filter(review=OuterRef("pk"), pair__mentor=user)
    reviews = (
        PromotionReview.objects.filter(status=PromotionReview.Status.OPEN)
        .filter(Exists(mentoring))
        .exclude(Exists(written))
        .select_related("candidate")
        .order_by("created_at", "pk")
    )
    for review in reviews[:limit]:
        yield AttentionItem(
            message=(
                f"{review.candidate} is being reviewed for {review.target_role}: you are invited "
                f"to give input as their mentor."
            ),
            url=review.input_url(),
            action="Give input",
        )


def statements_sent_back(user: User, limit: int | None = None) -> Iterable[AttentionItem]:
    """The user's statements declined or withdrawn recently, in reviews not closed, latest
    first."""
    since = timezone.now() - datetime.timedelta(days=SENT_BACK_DAYS)
    statements = (
        Statement.objects.visible_to(user)
        .filter(pair__mentor=user)
        .filter(
            state__in=[Statement.State.DECLINED, Statement.State.WITHDRAWN], updated_at__gte=since
        )
        .exclude(review__status=PromotionReview.Status.CLOSED)
        .select_related("review", "pair__mentee")
        .order_by("-updated_at", "-pk")
    )
    for statement in statements[:limit]:
        kind = statement.get_kind_display().lower()
        if statement.state == Statement.State.DECLINED:
            what = f"{statement.pair.mentee} declined to share your {kind} statement"
        elif statement.withdrawal_cause == Statement.WithdrawalCause.AGREEMENT:
            what = (
                f"Your {kind} statement about {statement.pair.mentee} was withdrawn when your "
                "agreement changed"
            )
        else:
            what = f"{statement.pair.mentee} withdrew consent for your {kind} statement"
        yield AttentionItem(
            message=f"{what} (review for {statement.review.target_role}).",
            url=f"{statement.review.input_url()}#statement-{statement.pk}",
            action="See it",
        )
