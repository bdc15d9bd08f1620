"""The program dashboard's worlds: reviews in which a mentor could give input, closed in a
chosen completed quarter, and reading the figures back as a viewer sees them.

Figures derived from confidential input are published per completed quarter
(promotions/program_dashboard.py), so the helpers run the clock back to the quarter a review
closes in; the quarters are computed here, not by the code under test.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from unittest import mock

from django.urls import reverse
from django.utils import timezone

from promotions.models import PromotionReview
from promotions.program_dashboard import program_health
from promotions.services import review_change_status
from tests.factories.agreements import ActiveAgreementFactory
from tests.factories.mentorship import PairFactory
from tests.factories.promotions import PromotionReviewFactory, SharedStatementFactory

URL = reverse("mentorship:program_dashboard")


def quarter_starts() -> list[datetime.datetime]:
    """The current quarter's start and, before it, those of the last five completed quarters, in
    the site's time zone."""
    zone = timezone.get_default_timezone()
    local = timezone.localtime(timezone.now(), zone)
    month = local.year * 12 + (local.month - 1) // 3 * 3
    return [
        datetime.datetime((month - 3 * n) // 12, (month - 3 * n) % 12 + 1, 1, tzinfo=zone)
        for n in range(6)
    ]


def in_quarter(ago: int | None = 0) -> datetime.datetime | None:
    """A moment in the last completed quarter (ago=0), the one before it (1)...; None: now."""
    return None if ago is None else quarter_starts()[ago + 1] + datetime.timedelta(days=40)


def quarter_slug(ago: int = 0) -> str:
    start = quarter_starts()[ago + 1]
    return f"{start:%Y}-{start.month:02d}"


def at(moment: datetime.datetime | None):
    """Runs the clock at `moment` (None: leaves it alone)."""
    if moment is None:
        return mock.patch.object(timezone, "now", timezone.now)
    return mock.patch.object(timezone, "now", return_value=moment)


def health_of(program, viewer):
    """The program's figures as `viewer` reads them."""
    return next(p for p in program_health(viewer=viewer).programs if p.program_id == program.pk)


def latest(program, viewer):
    """The program's confidential figures of the last completed quarter."""
    return health_of(program, viewer).periods[0]


def figure(client, slug: str, program, ago: int = 0) -> str:
    """The chart of one quarter as the page renders it (SVG, table and notes)."""
    body = client.get(URL).content.decode()
    caption = f"{slug}-{program.pk}-{quarter_slug(ago)}-caption"
    match = re.search(rf'<figure [^>]*aria-labelledby="{caption}".*?</figure>', body, re.S)
    assert match, f"no {slug} chart for {program}"
    return match.group(0)


def close(review, by) -> None:
    review_change_status(review_id=review.pk, status=PromotionReview.Status.CLOSED, by=by)


def in_force_for_a_while(pair, review) -> None:
    """The pair's agreement was signed, and the review opened, a month ago: a mentor could
    have given input in the review (program_dashboard.input_was_possible)."""
    month_ago = timezone.now() - datetime.timedelta(days=30)
    ActiveAgreementFactory(pair=pair, activated_at=month_ago)
    PromotionReview.objects.filter(pk=review.pk).update(created_at=month_ago)


def open_review(program):
    """An open review of its own pair, in which the mentor could give input."""
    pair = PairFactory(program=program)
    review = PromotionReviewFactory(program=program, candidate=pair.mentee)
    in_force_for_a_while(pair, review)
    review.refresh_from_db()
    return pair, review


def closed_review_holding(
    program,
    by,
    statements: Iterable[tuple[type, dict]] = ((SharedStatementFactory, {}),),
    *,
    ago: int | None = 0,
):
    """A review of its own pair holding `statements` (factory, fields), closed in the quarter
    `ago` (None: now)."""
    with at(in_quarter(ago)):
        pair, review = open_review(program)
        for factory, fields in statements:
            factory(pair=pair, review=review, **fields)
        close(review, by)
    return review
