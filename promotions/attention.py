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
    MENTOR,
    AttentionItem,
    DashboardSection,
    PageOf,
    SectionList,
    Viewer,
    page_of,
    url_maker,
)
from mentorship.statements import Prepared
from promotions.models import PanelSeat, PromotionReview, Statement

SENT_BACK_DAYS = 14
SECTION_LIST_SIZE = 10  # rows per page of a section's list


def _name(full_name: str, username: str) -> str:
    return full_name or username  # User.__str__, from the two columns a list reads


# What a dashboard line about one of the mentee's statements reads and prints.
_STATEMENT_ITEM_COLUMNS = (
    "pk",
    "kind",
    "review_id",
    "review__target_role",
    "pair__mentor__full_name",
    "pair__mentor__username",
)


def _kind(kind: str) -> str:
    return Statement.Kind(kind).label.lower()


def consents_awaiting(viewer: Viewer | User, limit: int | None = None) -> Iterable[AttentionItem]:
    """Statements about the user that wait for their consent, oldest request first. Asked of
    mentees only; `about` is the mentee's part of Statement.visible_to."""
    user = Viewer.of(viewer).user
    statements = (
        Statement.objects.about(user)
        .awaiting_consent_of(user)
        .order_by("updated_at", "pk")
        .values_list(*_STATEMENT_ITEM_COLUMNS)
    )
    consent_url = url_maker("promotions:consent")
    for pk, kind, review_id, target_role, *mentor in statements[:limit]:
        yield AttentionItem(
            message=(
                f"{_name(*mentor)} asks for your consent to share {_kind(kind)} input with the "
                f"panel of your review for {target_role}."
            ),
            url=f"{consent_url(review_id)}#statement-{pk}",
            action="Read and decide",
        )


def _invitations(user: User, limit: int | None):
    """Open reviews of the user's mentee in which the user has written nothing yet: the
    reviews the user may open as mentor (mentored_by) less those they wrote on."""
    written = Statement.objects.filter(review=OuterRef("pk"), pair__mentor=user)
    return (
        PromotionReview.objects.mentored_by(user)
        .filter(status=PromotionReview.Status.OPEN)
        .exclude(Exists(written))
        .order_by("created_at", "pk")
        .values_list("pk", "target_role", "candidate__full_name", "candidate__username")[:limit]
    )


# Compiled once per process for each number of rows asked (mentorship.statements.Prepared).
_INVITATIONS = Prepared(
    PromotionReview, lambda limit, viewer: _invitations(User(pk=viewer), limit), "viewer"
)


def input_invitations(viewer: Viewer | User, limit: int | None = None) -> Iterable[AttentionItem]:
    """Open reviews of the user's mentee for which the user has written nothing yet. Asked
    only of someone who mentors an active pair (the viewer's active pairs, already read)."""
    viewer = Viewer.of(viewer)
    if not viewer.active_pairs_as(MENTOR):
        return
    input_url = url_maker("promotions:input")
    for pk, target_role, *candidate in _INVITATIONS.rows(key=(limit,), viewer=viewer.user.pk):
        yield AttentionItem(
            message=(
                f"{_name(*candidate)} is being reviewed for {target_role}: you are invited "
                f"to give input as their mentor."
            ),
            url=input_url(pk),
            action="Give input",
        )


def _sent_back(user: User, since: datetime.datetime, limit: int | None):
    return (
        Statement.objects.authored_by(user)
        .filter(
            state__in=[Statement.State.DECLINED, Statement.State.WITHDRAWN], updated_at__gte=since
        )
        .exclude(review__status=PromotionReview.Status.CLOSED)
        .order_by("-updated_at", "-pk")
        .values_list(
            "pk",
            "kind",
            "state",
            "withdrawal_cause",
            "review_id",
            "review__target_role",
            "pair__mentee__full_name",
            "pair__mentee__username",
        )[:limit]
    )


_SENT_BACK = Prepared(
    Statement,
    lambda limit, viewer, since: _sent_back(User(pk=viewer), since, limit),
    "viewer",
    moments=("since",),
)


def statements_sent_back(
    viewer: Viewer | User, limit: int | None = None
) -> Iterable[AttentionItem]:
    """The user's statements declined or withdrawn recently, in reviews not closed, latest
    first. Asked of mentors only; `authored_by` is the mentor's part of
    Statement.visible_to (a mentor reads what they wrote in every state)."""
    user = Viewer.of(viewer).user
    since = timezone.now() - datetime.timedelta(days=SENT_BACK_DAYS)
    statements = _SENT_BACK.rows(key=(limit,), viewer=user.pk, since=since)
    input_url = url_maker("promotions:input")
    for pk, kind, state, cause, review_id, target_role, *mentee_names in statements:
        kind, mentee = _kind(kind), _name(*mentee_names)
        if state == Statement.State.DECLINED:
            what = f"{mentee} declined to share your {kind} statement"
        elif cause == Statement.WithdrawalCause.AGREEMENT:
            what = f"Your {kind} statement about {mentee} was withdrawn when your agreement changed"
        else:
            what = f"{mentee} withdrew consent for your {kind} statement"
        yield AttentionItem(
            message=f"{what} (review for {target_role}).",
            url=f"{input_url(review_id)}#statement-{pk}",
            action="See it",
        )


def assessments_due(viewer: Viewer | User, limit: int | None = None) -> Iterable[AttentionItem]:
    """Reviews not closed in which the user is the supervisor and has not written the
    assessment yet, oldest first. Reads the assessment's date only, never its text."""
    user = Viewer.of(viewer).user
    reviews = (
        PromotionReview.objects.supervised_by(user)
        .not_closed()
        .filter(assessment_written_at__isnull=True)
        .order_by("created_at", "pk")
        .values_list("pk", "target_role", "candidate__full_name", "candidate__username")
    )
    assessment_url = url_maker("promotions:assessment")
    for pk, target_role, *candidate in reviews[:limit]:
        yield AttentionItem(
            message=(
                f"Your assessment of {_name(*candidate)} for {target_role} is due: the "
                "panel reads it with the review."
            ),
            url=assessment_url(pk),
            action="Write the assessment",
        )


# --- Sections of "My mentoring" ----------------------------------------------------------------


def _items(page: PageOf, item) -> PageOf:
    return replace(page, items=[item(row) for row in page.items])


PANEL_MEMBER, SUPERVISOR = "panel member", "supervisor of a review not closed"


def panel_seats(user: User):
    return PanelSeat.objects.filter(user=user)


def reviews_supervised(user: User):
    return PromotionReview.objects.supervised_by(user).not_closed()


_PANEL_COLUMNS = (
    "pk",
    "status",
    "decision_date",
    "target_role",
    "program__name",
    "candidate__full_name",
    "candidate__username",
)


def _panel_rows(page: PageOf) -> PageOf:
    review_url = url_maker("promotions:review")
    labels = dict(PromotionReview.Status.choices)
    rows = []
    for pk, status, decision_date, target_role, program, *candidate in page.items:
        due = (
            f", decision due {decision_date.day} {decision_date:%B %Y}"
            if decision_date and status != PromotionReview.Status.CLOSED
            else ""
        )
        rows.append(
            AttentionItem(
                message=f"{_name(*candidate)}, for {target_role} ({program}): "
                f"{labels[status].lower()}{due}",
                url=review_url(pk),
                action="Read the review",
            )
        )
    return replace(page, items=rows)


def panel_section(request: HttpRequest) -> DashboardSection | None:
    """The reviews on whose panel the user sits: the open ones, and the closed ones apart.
    Asked only of panel members (the role registered in apps.py).

    Reads reviews and seats only: what the panel member is shown here must not depend on
    whether any mentor gave input, or on what the candidate did with it.
    """
    seated = PromotionReview.objects.seated(request.user)
    current = page_of(
        request,
        # The decision due soonest first; reviews without a date after them, newest first.
        seated.not_closed()
        .order_by(F("decision_date").asc(nulls_last=True), "-created_at", "-pk")
        .values_list(*_PANEL_COLUMNS),
        per_page=SECTION_LIST_SIZE,
        param="panel",
        anchor="#panel",
    )
    closed = page_of(
        request,
        seated.filter(status=PromotionReview.Status.CLOSED)
        .order_by("-closed_at", "-pk")
        .values_list(*_PANEL_COLUMNS),
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
                items=_panel_rows(current),
                empty="None of the reviews on whose panel you sit is open.",
                pager_label="More open reviews on your panels",
            ),
            SectionList(
                title="Closed reviews",
                items=_panel_rows(closed),
                collapsed=True,
                pager_label="More closed reviews on your panels",
            ),
        ],
    )


def consents_section(request: HttpRequest) -> DashboardSection | None:
    """The candidate's shared statements in reviews not closed: consent they may withdraw.
    (Requests still awaiting their decision are attention items: `consents_awaiting`.)
    Asked only of mentees (the role registered in apps.py)."""
    statements = (
        Statement.objects.about(request.user)
        .filter(state=Statement.State.SHARED)
        .exclude(review__status=PromotionReview.Status.CLOSED)
        .order_by("consented_at", "pk")
        .values_list(*_STATEMENT_ITEM_COLUMNS)
    )
    page = page_of(
        request, statements, per_page=SECTION_LIST_SIZE, param="consents", anchor="#consents"
    )
    if not page and not page.has_previous:
        return None
    consent_url = url_maker("promotions:consent")
    rows = [
        AttentionItem(
            message=(
                f"You consented to the panel of your review for {target_role} reading "
                f"{_name(*mentor)}'s {_kind(kind)} input."
            ),
            # ?statement: the consent page pages decided statements and opens the one with it.
            url=f"{consent_url(review_id)}?statement={pk}#statement-{pk}",
            action="Read or withdraw",
        )
        for pk, kind, review_id, target_role, *mentor in page.items
    ]
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
                items=replace(page, items=rows),
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
