"""The program dashboard: "is our program healthy?" in counts, for program admins only.

Counts, shares and states only. Never an answer, a comment, a meeting note or a statement's
text, and never who answered what: the mismatch topics are, per question, how many pairs gave
two different submitted answers.

Silence says nothing: no count, date or state of unshared statements may reach a panel member
by any path. A program admin who sits on a review's panel (or is its candidate) therefore gets
statement counts without that review's statements, and the page says so.

Every figure is counted by the database in a fixed set of aggregate queries (see
`count_figures`): the page never loads pairs, answers or statements row by row, so its memory
does not grow with the company. Counting still reads every pair, answer and statement (about a
second at 50,000 users), so the figures are kept for a short while in a shared cache
(`program_health`): a DatabaseCache, so every app instance serves the same figures, and the page
shows when they were counted.
"""

from __future__ import annotations

import datetime
import hashlib
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import caches
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone

from mentorship.models import Meeting, Pair, Program, User

# Thresholds behind the plain-language verdict. Named so the page can state them.
AGREEMENT_TARGET = 80  # percent of active pairs with an active (signed) agreement
MEETING_TARGET = 75  # percent of planned meetings held by active pairs
AT_RISK_BELOW = 50  # either share under this: at risk
BEHIND_SHARE = 0.5  # an active pair that held under half its planned meetings is behind


@dataclass(frozen=True)
class Bar:
    """One row of a chart and of the table beside it."""

    key: str
    label: str
    value: int
    tone: str = "neutral"  # css class suffix: neutral, good, warn, bad, muted


@dataclass
class Chart:
    """A horizontal bar chart drawn as inline SVG by the template, with a table beside it."""

    slug: str
    title: str
    bars: list[Bar]
    heading: str = "Item"  # the table's first column
    unit: str = ""
    empty: str = "Nothing to show yet."

    ROW = 34  # SVG user units per bar: a label line and a bar
    WIDTH = 320
    BAR_SPACE = 260  # the rest of the width holds the value

    @property
    def total(self) -> int:
        return sum(bar.value for bar in self.bars)

    @property
    def is_empty(self) -> bool:
        return not any(bar.value for bar in self.bars)

    @property
    def height(self) -> int:
        return self.ROW * len(self.bars)

    def rows(self) -> list[dict]:
        """Geometry for the template: bar widths scaled to the largest value."""
        largest = max((bar.value for bar in self.bars), default=0) or 1
        rows = []
        for index, bar in enumerate(self.bars):
            width = round(self.BAR_SPACE * bar.value / largest, 1)
            top = index * self.ROW
            rows.append(
                {
                    "bar": bar,
                    "label_y": top + 12,
                    "bar_y": top + 16,
                    "width": max(width, 1.5 if bar.value else 0),
                    "value_x": max(width, 0) + 6,
                    "value_y": top + 28,
                }
            )
        return rows

    @property
    def summary(self) -> str:
        """The chart in one sentence, for the SVG's <desc>."""
        if self.is_empty:
            return self.empty
        return "; ".join(f"{bar.label}: {bar.value}{self.unit}" for bar in self.bars) + "."


@dataclass(frozen=True)
class Verdict:
    key: str  # healthy, attention, at_risk, not_started
    label: str
    reasons: tuple[str, ...]


@dataclass
class ProgramHealth:
    program_id: int
    name: str
    pairs_by_status: dict[str, int] = field(default_factory=dict)
    active_pairs: int = 0
    active_with_agreement: int = 0
    meetings_planned: int = 0
    meetings_held: int = 0
    pairs_behind: int = 0
    pairs_compared: int = 0
    mismatch_topics: list[tuple[str, int]] = field(default_factory=list)
    reviews_by_status: dict[str, int] = field(default_factory=dict)
    statements_by_state: dict[str, int] = field(default_factory=dict)

    @property
    def pairs_total(self) -> int:
        return sum(self.pairs_by_status.values())

    @property
    def agreement_share(self) -> int | None:
        if not self.active_pairs:
            return None
        return round(100 * self.active_with_agreement / self.active_pairs)

    @property
    def meeting_share(self) -> int | None:
        if not self.meetings_planned:
            return None
        return round(100 * self.meetings_held / self.meetings_planned)

    @property
    def reviews_total(self) -> int:
        return sum(self.reviews_by_status.values())

    @property
    def verdict(self) -> Verdict:
        if not self.active_pairs:
            return Verdict(
                "not_started",
                "Not started",
                ("No pair is active yet: create pairs and set them to active in the admin site.",),
            )
        reasons = []
        agreement, meetings = self.agreement_share, self.meeting_share
        unsigned = self.active_pairs - self.active_with_agreement
        if unsigned:
            pairs = "pair" if self.active_pairs == 1 else "pairs"
            verb = "has" if unsigned == 1 else "have"
            reasons.append(
                f"{unsigned} of {self.active_pairs} active {pairs} {verb} no signed "
                "confidentiality agreement yet."
            )
        if meetings is not None and meetings < MEETING_TARGET:
            reasons.append(
                f"Active pairs held {self.meetings_held} of {self.meetings_planned} planned "
                f"meetings ({meetings}%; the aim is {MEETING_TARGET}%)."
            )
        if self.pairs_behind:
            reasons.append(
                f"{self.pairs_behind} active pair{'s' if self.pairs_behind != 1 else ''} met less "
                "than half as often as planned."
            )
        at_risk = (agreement is not None and agreement < AT_RISK_BELOW) or (
            meetings is not None and meetings < AT_RISK_BELOW
        )
        if at_risk:
            return Verdict("at_risk", "At risk", tuple(reasons))
        needs_attention = (
            (agreement is not None and agreement < AGREEMENT_TARGET)
            or (meetings is not None and meetings < MEETING_TARGET)
            or self.pairs_behind
        )
        if needs_attention:
            return Verdict("attention", "Needs attention", tuple(reasons))
        good = ["Every active pair has a signed agreement."] if not unsigned else []
        if meetings is not None:
            good.append(f"Pairs held {meetings}% of their planned meetings.")
        return Verdict("healthy", "Healthy", tuple(reasons or good))

    # --- Charts ---------------------------------------------------------------------------

    def pairs_chart(self) -> Chart:
        tones = {"active": "good", "proposed": "neutral", "completed": "muted", "ended": "muted"}
        return Chart(
            slug=f"pairs-{self.program_id}",
            title="Pairs by status",
            heading="Status",
            bars=[
                Bar(status, label, self.pairs_by_status.get(status, 0), tones[status])
                for status, label in Pair.Status.choices
            ],
            empty="No pairs yet.",
        )

    def agreements_chart(self) -> Chart:
        return Chart(
            slug=f"agreements-{self.program_id}",
            title="Active pairs with a signed agreement",
            heading="Pairs",
            bars=[
                Bar("active", "Active pairs", self.active_pairs, "neutral"),
                Bar(
                    "signed",
                    "With an active (signed) agreement",
                    self.active_with_agreement,
                    _tone(self.agreement_share, AGREEMENT_TARGET),
                ),
            ],
            empty="No active pairs yet.",
        )

    def meetings_chart(self) -> Chart:
        return Chart(
            slug=f"meetings-{self.program_id}",
            title="Meetings held against planned (active pairs)",
            heading="Meetings",
            bars=[
                Bar("planned", "Planned so far", self.meetings_planned, "neutral"),
                Bar("held", "Held", self.meetings_held, _tone(self.meeting_share, MEETING_TARGET)),
            ],
            empty="No meetings planned yet.",
        )

    def mismatch_chart(self) -> Chart:
        return Chart(
            slug=f"mismatch-{self.program_id}",
            title="Questionnaire topics pairs answered differently",
            heading="Statement",
            bars=[
                Bar(str(index), text, count, "warn")
                for index, (text, count) in enumerate(self.mismatch_topics, start=1)
            ],
            empty="No pair has answered a statement differently yet.",
        )

    def reviews_chart(self) -> Chart:
        from promotions.models import PromotionReview

        return Chart(
            slug=f"reviews-{self.program_id}",
            title="Promotion reviews by status",
            heading="Status",
            bars=[
                Bar(status, label, self.reviews_by_status.get(status, 0), "neutral")
                for status, label in PromotionReview.Status.choices
            ],
            empty="No promotion reviews yet.",
        )

    def statements_chart(self) -> Chart:
        from promotions.models import Statement

        tones = {"shared": "good", "declined": "muted", "withdrawn": "muted"}
        return Chart(
            slug=f"statements-{self.program_id}",
            title="Mentor statements by state",
            heading="State",
            bars=[
                Bar(state, label, self.statements_by_state.get(state, 0), tones.get(state, "info"))
                for state, label in Statement.State.choices
            ],
            empty="No mentor statements yet.",
        )

    def charts(self) -> list[Chart]:
        return [
            self.pairs_chart(),
            self.agreements_chart(),
            self.meetings_chart(),
            self.mismatch_chart(),
            self.reviews_chart(),
            self.statements_chart(),
        ]


def _tone(share: int | None, target: int) -> str:
    if share is None:
        return "neutral"
    if share < AT_RISK_BELOW:
        return "bad"
    return "good" if share >= target else "warn"


@dataclass
class Dashboard:
    programs: list[ProgramHealth]
    hidden_reviews: int  # reviews whose statements are left out of this viewer's counts
    counted_at: datetime.datetime  # the page says "figures as of" this time
    key: str  # the figures' cache key (see figures_key)

    @property
    def rendering_key(self) -> str:
        """Names this one counting. The page caches its charts (thirty inline SVGs and tables,
        most of its rendering time) under it, so they always show these figures."""
        return f"{self.key}@{self.counted_at.isoformat()}"

    @property
    def max_age(self) -> int | None:
        """Seconds the figures, and their rendering, are kept."""
        return caches[FIGURES_CACHE].default_timeout

    @property
    def verdict_counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for program in self.programs:
            counts[program.verdict.key] += 1
        return counts

    @property
    def headline(self) -> str:
        if not self.programs:
            return "There are no programs yet. Create one in the admin site to get started."
        counts = self.verdict_counts
        total = len(self.programs)
        phrases = {
            "healthy": ("is healthy", "are healthy"),
            "attention": ("needs attention", "need attention"),
            "at_risk": ("is at risk", "are at risk"),
            "not_started": ("has not started", "have not started"),
        }
        if total == 1:
            only = self.programs[0]
            return f"{only.name} {phrases[only.verdict.key][0]}."
        parts = [f"{n} {phrases[key][n != 1]}" for key in phrases if (n := counts.get(key))]
        return f"Of {total} programs, " + ", ".join(parts) + "."


class DaysBetween(Func):
    """Whole days from `start` to `end` (end minus start) as an integer; NULL if either is NULL.

    Written per database because date arithmetic differs: PostgreSQL subtracts dates into an
    integer number of days, SQLite stores dates as ISO text and counts days with julianday().
    """

    arity = 2
    output_field = IntegerField()

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ")

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
        )


def planned_meetings(today: datetime.date) -> Case:
    """Pair.planned_meetings(today) as a SQL expression on a Pair queryset: the meetings the
    cadence plans from the start date until today (or the end date); 0 without a start date
    or before it."""
    elapsed = DaysBetween(
        Coalesce("ended_on", Value(today, output_field=DateField())), "started_on"
    )
    per_cadence = ExpressionWrapper(elapsed / F("cadence_days") + 1, output_field=IntegerField())
    return Case(
        # No start date: elapsed is NULL, no branch matches, the default applies.
        When(GreaterThanOrEqual(elapsed, 0), then=per_cadence),
        default=Value(0),
        output_field=IntegerField(),
    )


# The alias in settings.CACHES: a DatabaseCache, so every app instance reads the same figures;
# its table is created by migration mentorship 0004, and its TIMEOUT is how old figures may be.
FIGURES_CACHE = "program_dashboard"
# Part of every cache key: bump it when Dashboard or ProgramHealth change shape, so an instance
# never unpickles figures another version stored.
FIGURES_FORMAT = 1


# Counting takes about 1.5 s at 50,000 users. When the figures grow old, one request counts
# them again (it holds a lock entry in the same cache) while the others keep showing the old
# figures, which say when they were counted; without the lock every request arriving in those
# 1.5 s would count too. Old figures are kept for one more max age for that.
RECOUNT_LOCK_SECONDS = 60
# With no figures at all (first visit of the day), a request that finds another one counting
# waits this long for its figures before counting them itself.
FIRST_COUNT_WAIT_SECONDS = 10.0
FIRST_COUNT_POLL_SECONDS = 0.2


def program_health(*, viewer: User, today: datetime.date | None = None) -> Dashboard:
    """Every program's figures for one viewer, counted at most FIGURES_CACHE's TIMEOUT ago
    (or a little older while another request is counting them again).

    Viewers who must learn nothing about the same reviews (most program admins: none) share
    one entry; a viewer on a panel or a candidate gets an entry of their own, counted without
    their reviews' statements, so no count of unshared input reaches them from anyone's entry.
    The date is part of the key: planned meetings are counted until today.
    """
    today = today or timezone.localdate()
    hidden = hidden_review_ids(viewer)
    cache = caches[FIGURES_CACHE]
    key = figures_key(hidden=hidden, today=today)
    max_age = cache.default_timeout
    dashboard = cache.get(key)
    if dashboard is not None and not _is_old(dashboard, max_age):
        return dashboard
    lock = f"{key}:counting"
    holds_lock = cache.add(lock, timezone.now(), timeout=RECOUNT_LOCK_SECONDS)
    if not holds_lock:
        if dashboard is not None:
            return dashboard
        dashboard = _wait_for(cache, key)
        if dashboard is not None:
            return dashboard
    try:
        dashboard = count_figures(hidden=hidden, today=today, key=key)
        cache.set(key, dashboard, timeout=None if max_age is None else 2 * max_age)
    finally:
        # Only the request that took the lock frees it: one that waited in vain and counted
        # too must leave the lock of the request still counting.
        if holds_lock:
            cache.delete(lock)
    return dashboard


def _is_old(dashboard: Dashboard, max_age: int | None) -> bool:
    if max_age is None:
        return False
    return timezone.now() - dashboard.counted_at >= datetime.timedelta(seconds=max_age)


def _wait_for(cache, key: str) -> Dashboard | None:
    deadline = time.monotonic() + FIRST_COUNT_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(FIRST_COUNT_POLL_SECONDS)
        dashboard = cache.get(key)
        if dashboard is not None:
            return dashboard
    return None


def hidden_review_ids(viewer: User) -> frozenset[int]:
    """The reviews this viewer must learn nothing unshared about: on the panel, or the
    candidate."""
    from promotions.models import PanelSeat, PromotionReview

    seats = PanelSeat.objects.filter(user=viewer).order_by().values_list("review_id", flat=True)
    candidacies = (
        PromotionReview.objects.filter(candidate=viewer).order_by().values_list("pk", flat=True)
    )
    return frozenset(seats.union(candidacies))


def figures_key(*, hidden: frozenset[int], today: datetime.date) -> str:
    reviews = ",".join(str(pk) for pk in sorted(hidden))
    digest = hashlib.sha256(reviews.encode()).hexdigest()
    return f"figures:v{FIGURES_FORMAT}:{today.isoformat()}:hidden:{digest}"


def count_figures(*, hidden: frozenset[int], today: datetime.date, key: str) -> Dashboard:
    """Every program's figures, leaving out the statements of the `hidden` reviews. The
    database does the counting, in five queries whose answers have one row per program and
    status (or question), whatever the number of pairs, meetings, answers or statements:

    1. the programs;
    2. pairs per program and status, with the active pairs' agreement and meeting figures and
       how many pairs both submitted the questionnaire;
    3. per question, the pairs whose mentor's and mentee's submitted answers differ;
    4. reviews per program and status;
    5. statements per program and state, leaving out the hidden reviews.
    """
    from agreements.models import Agreement, Answer, QuestionnaireSubmission
    from promotions.models import PromotionReview, Statement

    counted_at = timezone.now()
    programs = {
        p.pk: ProgramHealth(program_id=p.pk, name=p.name)
        for p in Program.objects.order_by("name").only("pk", "name")
    }

    def submitted(member: str) -> Q:
        # An uncorrelated IN: the database hashes the submitted pairs once instead of looking
        # each pair up.
        return Q(
            pk__in=QuestionnaireSubmission.objects.filter(respondent=F(f"pair__{member}")).values(
                "pair_id"
            )
        )

    held = (
        Meeting.objects.filter(pair=OuterRef("pk"), status=Meeting.Status.HELD)
        .order_by()
        .values("pair")
        .annotate(n=Count("pk"))
        .values("n")
    )
    active = Q(status=Pair.Status.ACTIVE)
    pairs = (
        Pair.objects.order_by()
        .alias(
            held=Coalesce(Subquery(held, output_field=IntegerField()), Value(0)),
            planned=planned_meetings(today),
        )
        .values("program_id", "status")
        .annotate(
            n=Count("pk"),
            compared=Count("pk", filter=submitted("mentor") & submitted("mentee")),
            signed=Count(
                "pk",
                filter=active & Q(pk__in=Agreement.objects.active().values("pair_id")),
            ),
            planned_total=Sum("planned", filter=active),
            held_total=Sum("held", filter=active),
            behind=Count(
                "pk", filter=active & Q(planned__gte=2, held__lt=F("planned") * BEHIND_SHARE)
            ),
        )
    )
    for row in pairs:
        health = programs.get(row["program_id"])
        if health is None:
            continue
        health.pairs_by_status[row["status"]] = row["n"]
        health.pairs_compared += row["compared"]
        if row["status"] == Pair.Status.ACTIVE:
            health.active_pairs = row["n"]
            health.active_with_agreement = row["signed"]
            health.meetings_planned = row["planned_total"] or 0
            health.meetings_held = row["held_total"] or 0
            health.pairs_behind = row["behind"]

    def member_submitted(member: str) -> Exists:
        return Exists(
            QuestionnaireSubmission.objects.filter(
                pair=OuterRef("pair"), respondent=OuterRef(f"pair__{member}")
            )
        )

    mentee_differs = Answer.objects.filter(
        pair=OuterRef("pair"), question=OuterRef("question"), respondent=OuterRef("pair__mentee")
    ).exclude(value=OuterRef("value"))
    differing = (
        Answer.objects.filter(respondent=F("pair__mentor"))
        .filter(member_submitted("mentor"), member_submitted("mentee"), Exists(mentee_differs))
        .order_by()
        .values("question_id", "question__text", "question__program_id", "question__order")
        # One mentor answer per pair and question (a unique constraint): rows are pairs.
        .annotate(pairs=Count("pk"))
        .order_by("-pairs", "question__order", "question_id")
    )
    for row in differing:
        health = programs.get(row["question__program_id"])
        if health is not None:
            health.mismatch_topics.append((row["question__text"], row["pairs"]))

    reviews = (
        PromotionReview.objects.order_by().values("program_id", "status").annotate(n=Count("pk"))
    )
    for row in reviews:
        health = programs.get(row["program_id"])
        if health is not None:
            health.reviews_by_status[row["status"]] = row["n"]

    statements = (
        Statement.objects.exclude(review_id__in=hidden)
        .order_by()
        .values("review__program_id", "state")
        .annotate(n=Count("pk"))
    )
    for row in statements:
        health = programs.get(row["review__program_id"])
        if health is not None:
            health.statements_by_state[row["state"]] = row["n"]

    return Dashboard(
        programs=list(programs.values()),
        hidden_reviews=len(hidden),
        counted_at=counted_at,
        key=key,
    )
