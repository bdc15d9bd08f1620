"""Demo data for promotion reviews, on top of mentorship.demo's base (and the agreements demo).

Carol (mentored by Maria) is reviewed by Lee and Pat, with Sam as supervisor; her review holds
a statement in every state. Mary (mentored by Dan, who has no agreement) is reviewed too, with
nothing shared. Idempotent: everything is looked up by a natural key before it is created.
Rows are written directly (not through services) so that seeding sends no emails.

seed_all builds the whole demo world, each app's part in layering order; it lives here, in the
app at the top, because only this app may import all the others.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from agreements import demo as agreements_demo
from mentorship import demo as base_demo
from mentorship.models import Pair
from promotions.models import PanelSeat, PromotionReview, Statement, StatementView, text_sha256

CAROL_ASSESSMENT = (
    "Carol delivered the Q3 migration on time and has run the team's weekly planning since "
    "spring. She is ready to lead a small team; she should keep building her stakeholder "
    "reporting."
)

# (kind, state, text, extra fields)
CAROL_STATEMENTS = [
    (
        "advocacy",
        "shared",
        "Over the past year I have seen Carol grow into someone her peers seek out: she now "
        "plans ahead, asks for feedback early and brings others along.",
        {},
    ),
    (
        "engagement",
        "shared",
        "We met regularly through the program and worked on a plan for her first team project.",
        {},
    ),
    (
        "advocacy",
        "awaiting_consent",
        "Carol has become confident presenting to senior leaders; our practice sessions showed "
        "steady progress.",
        {},
    ),
    (
        "advocacy",
        "declined",
        "Carol talked openly with me about wanting to lead and about what holds her back.",
        {"decline_reason": "That conversation was private; I would rather not share it."},
    ),
    (
        "engagement",
        "withdrawn",
        "Carol kept every commitment she made in our mentoring sessions.",
        {},
    ),
    (
        "advocacy",
        "draft",
        "Carol and I weren't able to meet as frequently as we had hoped in the last months, so I "
        "am not able to offer a reliable picture of how she might lead the new project team.",
        {},
    ),
]


def _state_fields(state: str, text: str, extra: dict) -> dict:
    now = timezone.now()
    fields: dict = {"state": state}
    if state != "draft":
        fields["submitted_at"] = now - datetime.timedelta(days=6)
    if state in ("shared", "withdrawn"):
        fields["consented_at"] = now - datetime.timedelta(days=5)
        fields["consent_text_sha256"] = text_sha256(text)
    if state == "declined":
        fields["declined_at"] = now - datetime.timedelta(days=4)
        fields["decline_reason"] = extra.get("decline_reason", "")
    if state == "withdrawn":
        fields["withdrawn_at"] = now - datetime.timedelta(days=2)
        fields["withdrawal_cause"] = Statement.WithdrawalCause.MENTEE
    return fields


def _review(base, *, candidate: str, target_role: str, panel: list[str]) -> PromotionReview:
    # Hana, the program admin, staffs every review: nobody gives themselves a role in one.
    hana = base.users["hana"]
    review, _ = PromotionReview.objects.get_or_create(
        program=base.program,
        candidate=base.users[candidate],
        target_role=target_role,
        defaults={
            "supervisor": base.users["sam"],
            "supervisor_assigned_by": hana,
            "opened_by": hana,
        },
    )
    for username in panel:
        PanelSeat.objects.get_or_create(
            review=review, user=base.users[username], defaults={"added_by": hana}
        )
    return review


def _statement(review: PromotionReview, pair: Pair, kind: str, state: str, text: str, extra):
    statement = Statement.objects.filter(review=review, pair=pair, text=text).first()
    if statement is None:
        statement = Statement(review=review, pair=pair, kind=kind, text=text)
        for name, value in _state_fields(state, text, extra).items():
            setattr(statement, name, value)
        statement.full_clean()
        statement.save()
    return statement


def seed(base) -> None:
    carol_review = _review(
        base, candidate="carol", target_role="Lead of the new project team", panel=["lee", "pat"]
    )
    if not carol_review.supervisor_assessment:
        carol_review.supervisor_assessment = CAROL_ASSESSMENT
        carol_review.assessment_written_at = timezone.now() - datetime.timedelta(days=7)
        carol_review.save(update_fields=["supervisor_assessment", "assessment_written_at"])
    pair = base.pairs["maria-carol"]
    for kind, state, text, extra in CAROL_STATEMENTS:
        statement = _statement(carol_review, pair, kind, state, text, extra)
        if state == "shared" and not statement.views.exists():
            StatementView.objects.create(
                statement=statement,
                viewer=base.users["lee"],
                viewed_at=timezone.now() - datetime.timedelta(days=1),
                text_sha256=text_sha256(text),
            )
    # Dan and Mary have no agreement: Dan cannot write, and the panel sees the neutral line.
    _review(base, candidate="mary", target_role="Operations team lead", panel=["lee", "pat"])


def seed_all() -> base_demo.DemoBase:
    """The base, then each app's own demo data on top of it."""
    base = base_demo.seed()
    agreements_demo.seed(base)
    seed(base)
    return base
