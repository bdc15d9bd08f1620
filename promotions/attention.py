"""What "My mentoring" shows of promotion reviews, registered in apps.py: what needs a user's
attention (consents to give, input to write, assessments to write...), and a section per role
held: the panel member's reviews, the consents a candidate may still withdraw, and for program
admins what needs an admin.

Nothing here reads a statement's text, reason or answers. The panel member's section reads
reviews and seats only, never statements, so it is the same whatever mentors wrote, shared,
declined or withdrew; the supervisor's items read only their own assessment's date.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import replace

from django.db.models import Exists, F, OuterRef
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from mentorship.models import Notification, Pair, User
from mentorship.permissions import is_program_admin
from mentorship.selectors import (
    AttentionItem,
    DashboardSection,
    PageOf,
    SectionList,
    page_of,
)
from promotions.models import PanelSeat, PromotionReview, Statement

SENT_BACK_DAYS = 14
SECTION_LIST_SIZE = 10  # rows per page of a section's list


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


def assessments_due(user: User, limit: int | None = None) -> Iterable[AttentionItem]:
    """Reviews not closed in which the user is the supervisor and has not written the
    assessment yet, oldest first. Reads the assessment's date only, never its text."""
    reviews = (
        PromotionReview.objects.supervised_by(user)
        .not_closed()
        .filter(assessment_written_at__isnull=True)
        .select_related("candidate")
        .order_by("created_at", "pk")
    )
    for review in reviews[:limit]:
        yield AttentionItem(
            message=(
                f"Your assessment of {review.candidate} for {review.target_role} is due: the "
                "panel reads it with the review."
            ),
            url=review.assessment_url(),
            action="Write the assessment",
        )


# --- Sections of "My mentoring" ----------------------------------------------------------------


def _items(page: PageOf, item) -> PageOf:
    return replace(page, items=[item(row) for row in page.items])


def _panel_row(review: PromotionReview) -> AttentionItem:
    due = (
        f", decision due {review.decision_date.day} {review.decision_date:%B %Y}"
        if review.decision_date and review.status != PromotionReview.Status.CLOSED
        else ""
    )
    return AttentionItem(
        message=f"{review.candidate}, for {review.target_role} ({review.program}): "
        f"{review.get_status_display().lower()}{due}",
        url=review.get_absolute_url(),
        action="Read the review",
    )


def panel_section(request: HttpRequest) -> DashboardSection | None:
    """The reviews on whose panel the user sits: the open ones, and the closed ones apart.

    Reads reviews and seats only: what the panel member is shown here must not depend on
    whether any mentor gave input, or on what the candidate did with it.
    """
    seated = PromotionReview.objects.seated(request.user).select_related("candidate", "program")
    current = page_of(
        request,
        # The decision due soonest first; reviews without a date after them, newest first.
        seated.not_closed().order_by(F("decision_date").asc(nulls_last=True), "-created_at", "-pk"),
        per_page=SECTION_LIST_SIZE,
        param="panel",
        anchor="#panel",
    )
    closed = page_of(
        request,
        seated.filter(status=PromotionReview.Status.CLOSED).order_by("-closed_at", "-pk"),
        per_page=SECTION_LIST_SIZE,
        param="panel_closed",
        anchor="#panel",
    )
    if not (current or closed or current.has_previous or closed.has_previous):
        return None
    return DashboardSection(
        key="panel",
        title="On review panels",
        lists=[
            SectionList(
                title="Open reviews",
                items=_items(current, _panel_row),
                empty="None of the reviews on whose panel you sit is open.",
                pager_label="More open reviews on your panels",
            ),
            SectionList(
                title="Closed reviews",
                items=_items(closed, _panel_row),
                collapsed=True,
                pager_label="More closed reviews on your panels",
            ),
        ],
    )


def consents_section(request: HttpRequest) -> DashboardSection | None:
    """The candidate's shared statements in reviews not closed: consent they may withdraw.
    (Requests still awaiting their decision are attention items: `consents_awaiting`.)"""
    statements = (
        Statement.objects.about(request.user)
        .filter(state=Statement.State.SHARED)
        .exclude(review__status=PromotionReview.Status.CLOSED)
        .select_related("review", "pair__mentor")
        .order_by("consented_at", "pk")
    )
    page = page_of(
        request, statements, per_page=SECTION_LIST_SIZE, param="consents", anchor="#consents"
    )
    if not page and not page.has_previous:
        return None

    def row(statement: Statement) -> AttentionItem:
        return AttentionItem(
            message=(
                f"You consented to the panel of your review for {statement.review.target_role} "
                f"reading {statement.pair.mentor}'s {statement.get_kind_display().lower()} "
                "input."
            ),
            url=f"{statement.review.consent_url()}#statement-{statement.pk}",
            action="Read or withdraw",
        )

    return DashboardSection(
        key="consents",
        title="Consent you can withdraw",
        note=(
            "While a review is open you may withdraw consent you gave: the panel then no longer "
            "sees that input. Requests waiting for your decision are under Needs your attention."
        ),
        lists=[
            SectionList(
                title="Shared with the panel",
                items=_items(page, row),
                pager_label="More statements you consented to",
            )
        ],
    )


def admin_section(request: HttpRequest) -> DashboardSection | None:
    """What needs a program admin: what they set up themselves (pairs to start, reviews to
    staff) and how many emails could not be delivered. Names and states only, never anything
    drawn from confidential input, and the same for every admin."""
    if not is_program_admin(request.user):
        return None
    proposed = (
        Pair.objects.filter(status=Pair.Status.PROPOSED, started_on__isnull=True)
        .select_related("mentor", "mentee", "program")
        .order_by("created_at", "pk")
    )
    pairs = page_of(
        request, proposed, per_page=SECTION_LIST_SIZE, param="admin_pairs", anchor="#admin"
    )
    # The supervisor is required when a review is opened, so a review can lack only a panel.
    unstaffed = (
        PromotionReview.objects.not_closed()
        .exclude(Exists(PanelSeat.objects.filter(review=OuterRef("pk"))))
        .select_related("candidate", "program")
        .order_by("created_at", "pk")
    )
    reviews = page_of(
        request, unstaffed, per_page=SECTION_LIST_SIZE, param="admin_reviews", anchor="#admin"
    )
    failed = Notification.objects.undelivered().count()

    def pair_row(pair: Pair) -> AttentionItem:
        return AttentionItem(
            message=f"{pair.mentor} and {pair.mentee} ({pair.program}): proposed, no start date",
            url=reverse("admin:mentorship_pair_change", args=[pair.pk]),
            action="Set it up",
        )

    def review_row(review: PromotionReview) -> AttentionItem:
        return AttentionItem(
            message=(
                f"{review.candidate}, for {review.target_role} ({review.program}): "
                f"{review.get_status_display().lower()}, no panel"
            ),
            url=reverse("admin:promotions_promotionreview_change", args=[review.pk]),
            action="Seat a panel",
        )

    emails = []
    if failed:
        emails.append(
            AttentionItem(
                message=f"{failed} email{'s' if failed != 1 else ''} could not be delivered.",
                url=reverse("admin:mentorship_notification_changelist"),
                action="See who and try again",
            )
        )
    return DashboardSection(
        key="admin",
        title="What needs an admin",
        lists=[
            SectionList(
                title="Pairs waiting for a start",
                items=_items(pairs, pair_row),
                empty="No proposed pair is waiting.",
                pager_label="More proposed pairs",
            ),
            SectionList(
                title="Reviews without a panel",
                items=_items(reviews, review_row),
                empty="Every open review has a panel.",
                pager_label="More reviews without a panel",
            ),
            SectionList(
                title="Undelivered emails",
                items=emails,
                empty="Every email was delivered or is still being tried.",
            ),
        ],
    )
