"""The program dashboard: "is our program healthy?" in counts, for program admins only.

Counts, shares and states only. Never an answer, a comment, a meeting note or a statement's
text, and never who answered what: the mismatch topics are, per question, how many pairs gave
two different submitted answers.

Every figure is counted by the database in a fixed set of aggregate queries (see
`count_figures`): the page never loads pairs, answers or statements row by row, so its memory
does not grow with the company. Counting still reads every pair, answer and statement, so its
time grows with the company, and the figures are kept for a short while in a shared cache
(`program_health`): a DatabaseCache, so every app instance serves the same figures, and the page
shows when they were counted.

What an admin has to do next (pairs waiting for a start, reviews without a panel, undelivered
emails) is not here but on My mentoring (promotions/attention.py, `admin_section`): a worklist
by name and state, of what admins set up themselves, read fresh on every view, whereas these
figures are counted, cached and the same for every viewer. The page only links to it.

Disclosure control
------------------
Counts are still data about people. A determined admin who watches the page, day after day or
minute after minute, must not be able to single out one pair, one review or one person from a
figure derived from confidential input. Every figure is therefore one of two kinds:

* operational: states admins manage themselves and see in the admin site anyway (pairs by
  status, whether an active pair has a signed agreement, meetings held against planned, pairs
  overdue on meetings, reviews by status), and whether each member submitted the questionnaire
  (the step reminders chase, never what was answered). Shown as counted, each count of pairs
  linked to the list behind it (promotions/program_lists.py), which names them. Submission
  tells who is in a quarter's questionnaire population, never how anyone answered: the rules
  below assume the viewer may know a population's members and protect what they said.
* confidential-derived: anything computed from questionnaire answers (the mismatch topics),
  from mentor statements (their states: whether input was written, sent, shared, declined or
  withdrawn), from consent decisions and from breach-guard verdicts (send attempts the guard
  blocked, statements sent with its caution). Only these are controlled, by three rules that
  hold by construction, whatever chart is added:

1. Published per completed period, never as a running total. A confidential chart describes
   one calendar quarter (PERIOD_MONTHS, in the site's time zone) that has ended: the pairs whose
   second member submitted the questionnaire in it (submitting locks the answers for good), or
   the reviews that closed in it (closing freezes a review and its statements) in which a mentor
   could have given input. Each of the last PERIODS_SHOWN quarters is its own population and is
   published only once it is over, when its input is final and no contributor can join or
   leave it: two snapshots, a minute or a month apart, show identical figures for a quarter, or
   a new quarter disjoint from every other. A running total would not do: released in blocks
   of five, it let a cell that stayed the same ("declined: 10" before and after) say that none
   of the five newly released reviews had any, and the admin, who decides when reviews close,
   knew which five. So no figure adds up quarters, and no total across quarters is shown (a
   total minus the visible quarters would give back a withheld one); the page shows only the
   recent quarters, so older ones drop off whole. A quarter with fewer than `min_cell()`
   (settings.DISCLOSURE_MIN_CELL, default 5) contributors is withheld whole, and its
   population with it ("fewer than 5"). A quarter, because a typical program closes a handful
   of reviews and sees a handful of pairs submit in three months, and a year would publish too
   late to be useful. The publication is a pure function of the data and the clock, with no
   stored state: a lost or cleared cache, another app instance or another day gives the same
   figures.

   A quarter protects its members only if the viewer cannot know the others' input in advance.
   An admin decides which reviews exist and when they close: she could open four reviews of
   people with no mentor in the program, close them in the same quarter as a target review, and
   read the target's input off a population of five whose other four are known zeros. So only a
   review in which input was possible counts in the statement (and breach guard) figures:
   its candidate had a pair in the review's program whose agreement was in force, signed by
   both, during at least INPUT_WINDOW (7 days) of the time the review was open
   (`input_was_possible`). An admin cannot make such a review without two real members'
   signatures, nor make one a mentor had no time for. The rule
   reads only what admins see anyway (an agreement's status and dates, a review's dates), never
   the agreement's terms: which reviews count shows on the page, so a rule on "the terms allow
   promotion participation" would tell the terms. The questionnaire's contributors are pairs
   whose two members both submitted, which an admin cannot do for them; the one known zero she
   could make there is a topic she adds after pairs submitted, which they never answered, so a
   topic counts only the pairs in which both members answered it.
2. Small cells withheld, zero included. Within a quarter, a cell below the threshold is
   withheld, and a zero is below it: "none" is the one value that says something about every
   member of a quarter at once ("declined: 0" says of each of five reviews that no mentor's
   input in it was declined), and it is the value a viewer who knows the other members would
   read as "the last one had none too". So "withheld" means "fewer than the threshold" and
   never tells 0 from 1 to 4; a chart of which nothing can be shown (all statements in one
   state, nothing the guard stopped, or fewer statements than the threshold) reads the same
   "withheld" as one of a few. Where the cells split a total an admin may know (statements by
   state split the statements of those reviews, which can be counted), a single withheld cell
   could be recovered by subtraction, so more cells are withheld (the smallest first) until
   at least two are and together they hold at least the threshold; otherwise the whole chart
   is withheld. The mismatch topics are not a split (a pair can differ on several topics), so
   no subtraction recovers one of them; but a topic counts pairs, so "all of them differ" is
   the mirror of "none does": a topic is listed only when at least the threshold of the pairs
   that answered it differ and at least the threshold agree. The other topics are not listed
   at all, so an absent topic says nothing, and neither does the order of the listed ones
   (by count, ties in question order). The statement and guard cells count statements and
   attempts, not reviews, so a large cell says nothing of every review in the quarter.
   A threshold of 1 withholds nothing, zeros included: there is no small count to confuse
   them with.
3. One variant. Everyone gets the same published figures: there is no per-viewer recount to
   compare with a colleague's. A viewer who must learn nothing about unshared input in some
   reviews (on the panel, or the candidate) does not get the statement chart of those reviews'
   programs at all, rather than one that differs from a colleague's by their reviews. The
   per-program sections describe disjoint programs and no confidential figure is summed
   across programs, so no filter or section can be subtracted from another either.

The rules do not protect against an admin who already knows the input of all but one member
of a quarter (for example by being the mentor in four of the five pairs, or by being told by
four mentors that they wrote nothing); the threshold is the setting to raise for small
programs. Nor can they see a pair's status history: an admin who sets a pair to another status
than active while its agreement is in force stops its mentor writing without leaving a trace
the count could read.
"""

from __future__ import annotations

import dataclasses
import datetime
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db.models import (
    Case,
    Count,
    DateField,
    DurationField,
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
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import GreaterThanOrEqual
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement, Answer, QuestionnaireSubmission
from agreements.reminders import questionnaire_incomplete
from mentorship.models import Meeting, Pair, Program, User
from mentorship.selectors import last_held_meeting, meetings_overdue
from promotions.models import PromotionReview, Statement
from promotions.program_lists import NO_AGREEMENT, OVERDUE_MEETINGS, QUESTIONNAIRE, PairList

# Thresholds behind the plain-language verdict. Named so the page can state them.
AGREEMENT_TARGET = 80  # percent of active pairs with an active (signed) agreement
MEETING_TARGET = 75  # percent of planned meetings held by active pairs
AT_RISK_BELOW = 50  # either share under this: at risk
BEHIND_SHARE = 0.5  # an active pair that held under half its planned meetings is behind


def min_cell() -> int:
    """The disclosure threshold: confidential-derived cells below it are withheld, and
    a confidential figure's period with fewer contributors is withheld whole (see the module
    docstring)."""
    threshold = settings.DISCLOSURE_MIN_CELL
    if not isinstance(threshold, int) or threshold < 1:
        raise ImproperlyConfigured(
            f"DISCLOSURE_MIN_CELL must be a whole number of at least 1, got {threshold!r}"
        )
    return threshold


WITHHELD = "withheld"  # how a withheld cell reads, in the chart and in its table

# A review's statements are counted only if a mentor could have written one: the candidate's
# pair in the review's program had an agreement in force (signed by both) during at least this
# much of the time the review was open (module docstring, rule 1).
INPUT_WINDOW = datetime.timedelta(days=7)

# Confidential-derived figures are published per calendar period of this many months (a
# quarter), once it has ended, for the last PERIODS_SHOWN such periods (module docstring, rule 1).
PERIOD_MONTHS = 3
PERIODS_SHOWN = 4


@dataclass(frozen=True)
class Period:
    """A calendar period, from `start` (included) to `end` (excluded), in the site's time zone."""

    start: datetime.datetime
    end: datetime.datetime

    @property
    def slug(self) -> str:
        return f"{self.start:%Y}-{self.start.month:02d}"

    @property
    def label(self) -> str:
        last = self.end - datetime.timedelta(days=1)
        return f"{self.start:%B} to {last:%B %Y}"


def _months_later(moment: datetime.datetime, months: int) -> datetime.datetime:
    index = moment.year * 12 + moment.month - 1 + months
    return moment.replace(year=index // 12, month=index % 12 + 1)


def completed_periods(now: datetime.datetime) -> list[Period]:
    """The last PERIODS_SHOWN periods that ended by `now`, the most recent first.

    In the site's time zone, never the viewer's: every viewer gets the same periods, and a
    period is published only once it has ended for everyone."""
    zone = timezone.get_default_timezone()
    local = timezone.localtime(now, zone)
    month = (local.month - 1) // PERIOD_MONTHS * PERIOD_MONTHS + 1
    current = datetime.datetime(local.year, month, 1, tzinfo=zone)
    starts = [_months_later(current, -PERIOD_MONTHS * n) for n in range(PERIODS_SHOWN + 1)]
    return [Period(start=starts[n + 1], end=starts[n]) for n in range(PERIODS_SHOWN)]


def period_of(field: str, periods: list[Period]) -> Case:
    """The index in `periods` of the period `field` falls in; NULL outside them."""
    return Case(
        *(
            When(Q(**{f"{field}__gte": p.start, f"{field}__lt": p.end}), then=Value(n))
            for n, p in enumerate(periods)
        ),
        default=Value(None),
        output_field=IntegerField(),
    )


def below(n: int, threshold: int) -> bool:
    """Whether a confidential-derived count is withheld: every count under the threshold,
    zero included, so that "withheld" never tells "none" from "a few". A threshold of 1
    withholds nothing: there is no small count for a zero to be told apart from."""
    return threshold > 1 and n < threshold


@dataclass(frozen=True)
class Bar:
    """One row of a chart and of the table beside it."""

    key: str
    label: str
    value: int | None  # None: withheld to protect confidentiality
    tone: str = "neutral"  # css class suffix: neutral, good, warn, bad, muted

    @property
    def withheld(self) -> bool:
        return self.value is None

    @property
    def shown(self) -> str:
        return WITHHELD if self.value is None else str(self.value)


@dataclass
class Chart:
    """A horizontal bar chart drawn as inline SVG by the template, with a table beside it."""

    slug: str
    title: str
    bars: list[Bar]
    heading: str = "Item"  # the table's first column
    unit: str = ""
    empty: str = "Nothing to show yet."
    note: str = ""  # what the figures count, under the chart
    # Set when the whole chart is withheld to protect confidentiality: why, shown instead.
    withheld: str = ""

    ROW = 34  # SVG user units per bar: a label line and a bar
    WIDTH = 320
    BAR_SPACE = 260  # the rest of the width holds the value

    @property
    def is_empty(self) -> bool:
        return not self.withheld and not any(bar.value or bar.withheld for bar in self.bars)

    @property
    def withheld_cells(self) -> bool:
        return any(bar.withheld for bar in self.bars)

    @property
    def height(self) -> int:
        return self.ROW * len(self.bars)

    def rows(self) -> list[dict]:
        """Geometry for the template: bar widths scaled to the largest value."""
        largest = max((bar.value or 0 for bar in self.bars), default=0) or 1
        rows = []
        for index, bar in enumerate(self.bars):
            # A withheld cell draws no bar: its length would be the count.
            width = round(self.BAR_SPACE * (bar.value or 0) / largest, 1)
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
        if self.withheld:
            return self.withheld
        if self.is_empty:
            return self.empty
        return (
            "; ".join(
                f"{bar.label}: {bar.shown}{self.unit if not bar.withheld else ''}"
                for bar in self.bars
            )
            + "."
        )


@dataclass(frozen=True)
class Verdict:
    key: str  # healthy, attention, at_risk, not_started
    label: str
    reasons: tuple[str, ...]


@dataclass
class PeriodFigures:
    """A program's confidential-derived figures of one completed period, as published: the
    period's own population only; withheld whole under the threshold, cells below it (zero
    included) withheld (None)."""

    period: Period
    # Pairs whose second member submitted the questionnaire in the period; 0 when fewer than
    # the threshold (the period is withheld, and so is its population).
    pairs_compared: int = 0
    # Only the topics that may be shown (rule 2): the others are not listed at all.
    mismatch_topics: list[tuple[str, int]] = field(default_factory=list)
    # Reviews closed in the period in which a mentor could give input; 0 under the threshold.
    reviews_counted: int = 0
    statements_by_state: dict[str, int | None] = field(default_factory=dict)
    statements_withheld: str = ""  # why the whole statement chart is withheld, if it is
    # The breach guard's verdicts in the same reviews: send attempts it blocked, and statements
    # sent with a caution the mentor confirmed. Never which words, statements or mentors.
    guard_blocked: int | None = None
    guard_cautioned: int | None = None


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
    # Operational, each with the list behind it (promotions/program_lists.py): active pairs
    # overdue on meetings (mentorship.selectors.meetings_overdue, the one definition) and with
    # a member who has not submitted the questionnaire.
    pairs_overdue: int = 0
    questionnaire_incomplete: int = 0
    reviews_by_status: dict[str, int] = field(default_factory=dict)
    min_cell: int = 5  # the disclosure threshold the figures were counted with
    # Confidential-derived, per completed period, the most recent first (module docstring).
    periods: list[PeriodFigures] = field(default_factory=list)
    # Set for a viewer who gets no statement figure of this program (WITHHELD_FOR_VIEWER).
    statements_hidden: bool = False

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
    def without_agreement(self) -> int:
        return self.active_pairs - self.active_with_agreement

    def follow_ups(self) -> list[FollowUp]:
        """The operational figures with the list behind each, where an admin can remind the
        people on it and export it."""
        return [
            FollowUp(NO_AGREEMENT, self.without_agreement, self.program_id),
            FollowUp(OVERDUE_MEETINGS, self.pairs_overdue, self.program_id),
            FollowUp(QUESTIONNAIRE, self.questionnaire_incomplete, self.program_id),
        ]

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

    def mismatch_chart(self, index: int = 0) -> Chart:
        """The questionnaire topics of `self.periods[index]` (0: the most recent)."""
        k = self.min_cell
        figures = self.periods[index]
        period = figures.period
        return Chart(
            slug=f"mismatch-{self.program_id}-{period.slug}",
            title=f"Questionnaire topics pairs answered differently, {period.label}",
            heading="Statement",
            bars=[
                Bar(str(n), text, count, "warn")
                for n, (text, count) in enumerate(figures.mismatch_topics, start=1)
            ],
            # The same words whether no pair or a few differ: neither singles a pair out.
            empty=(
                "No topic to show: a topic is listed once at least "
                f"{k} of these pairs answered it differently and at least {k} the same."
            ),
            note=(
                f"Per statement, how many of the {figures.pairs_compared} pairs that completed "
                f"the questionnaire (both members submitted) in {period.label} answered it "
                f"differently. Listed only where at least {k} "
                f"pairs differ and at least {k} agree. Good topics for mentor training; answers "
                "themselves stay with the pairs."
            ),
            withheld=""
            if figures.pairs_compared
            else NOT_ENOUGH_PAIRS.format(k=k, period=period.label),
        )

    def mismatch_charts(self) -> list[Chart]:
        return [self.mismatch_chart(index) for index in range(len(self.periods))]

    def reviews_chart(self) -> Chart:

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

    def statements_chart(self, index: int = 0) -> Chart:
        """The statements of the reviews closed in `self.periods[index]` (0: the most recent)."""

        k = self.min_cell
        figures = self.periods[index]
        period = figures.period
        tones = {"shared": "good", "declined": "muted", "withdrawn": "muted"}
        withheld = (
            (WITHHELD_FOR_VIEWER if self.statements_hidden else "")
            or (
                ""
                if figures.reviews_counted
                else NOT_ENOUGH_REVIEWS.format(k=k, period=period.label)
            )
            or figures.statements_withheld
        )
        return Chart(
            slug=f"statements-{self.program_id}-{period.slug}",
            title=f"Mentor statements in reviews closed in {period.label}, by final state",
            heading="State",
            bars=[]
            if withheld
            else [
                Bar(
                    state,
                    label,
                    figures.statements_by_state.get(state, 0),
                    tones.get(state, "info"),
                )
                for state, label in Statement.State.choices
            ],
            # Never shown: no statements at all is withheld like a few (TOO_FEW_STATEMENTS).
            empty="No mentor statements in the closed reviews counted.",
            note=(
                f"The statements of the {figures.reviews_counted} reviews closed in {period.label} "
                f"in which a mentor could give input: {INPUT_NOTE}"
            ),
            withheld=withheld,
        )

    def statements_charts(self) -> list[Chart]:
        return [self.statements_chart(index) for index in range(len(self.periods))]

    def guard_chart(self, index: int = 0) -> Chart:
        """The breach guard's verdicts in the reviews closed in `self.periods[index]`."""
        k = self.min_cell
        figures = self.periods[index]
        period = figures.period
        # Its own cells decide, not the statement chart's: a few statements in many states can
        # be withheld while the blocked attempts are many.
        withheld = (
            (WITHHELD_FOR_VIEWER if self.statements_hidden else "")
            or (
                ""
                if figures.reviews_counted
                else NOT_ENOUGH_REVIEWS.format(k=k, period=period.label)
            )
            or (
                TOO_FEW_VERDICTS
                if figures.guard_blocked is None and figures.guard_cautioned is None
                else ""
            )
        )
        return Chart(
            slug=f"guard-{self.program_id}-{period.slug}",
            title=f"Breach guard in reviews closed in {period.label}",
            heading="Verdict",
            bars=[]
            if withheld
            else [
                Bar("blocked", "Send attempts blocked", figures.guard_blocked, "warn"),
                Bar("cautioned", "Statements sent with a caution", figures.guard_cautioned, "info"),
            ],
            # Never shown: nothing stopped or cautioned is withheld like a few (TOO_FEW_VERDICTS).
            empty="The breach guard stopped or cautioned nothing in the closed reviews counted.",
            note=(
                f"In the {figures.reviews_counted} reviews closed in {period.label} in which a "
                "mentor could give input: how often the guard refused to send a statement that "
                "evaluated the mentee as an employee, and how many statements were sent after "
                "the mentor confirmed its caution. Counts only, never the words."
            ),
            withheld=withheld,
        )

    def guard_charts(self) -> list[Chart]:
        return [self.guard_chart(index) for index in range(len(self.periods))]

    def without_statements(self) -> ProgramHealth:
        """This program's figures for a viewer on the panel of, or the candidate in, one of its
        reviews: no statement figure at all (states or guard verdicts) in any period, rather
        than one that differs from a colleague's by their reviews' statements."""
        return dataclasses.replace(
            self,
            periods=[
                dataclasses.replace(
                    figures, statements_by_state={}, guard_blocked=None, guard_cautioned=None
                )
                for figures in self.periods
            ],
            statements_hidden=True,
        )

    def charts(self) -> list[Chart]:
        return [
            self.pairs_chart(),
            self.agreements_chart(),
            self.meetings_chart(),
            *self.mismatch_charts(),
            self.reviews_chart(),
            *self.statements_charts(),
            *self.guard_charts(),
        ]


@dataclass(frozen=True)
class FollowUp:
    """One operational figure of a program and the list behind it."""

    pair_list: PairList
    count: int
    program_id: int

    @property
    def url(self) -> str:
        return reverse(f"mentorship:{self.pair_list.url_name}", args=[self.program_id])

    @property
    def label(self) -> str:
        pairs = "active pair" if self.count == 1 else "active pairs"
        return f"{self.count} {pairs} {self.pair_list.figure}"


WITHHELD_FOR_VIEWER = (
    "Withheld for you: you sit on the panel of, or are the candidate in, a review of this "
    "program, so no figure about its mentor statements reaches you."
)
NOT_ENOUGH_REVIEWS = (
    "Withheld to protect confidentiality: fewer than {k} reviews in which a mentor could give "
    "input closed in {period}."
)
NOT_ENOUGH_PAIRS = (
    "Withheld to protect confidentiality: fewer than {k} pairs completed the questionnaire "
    "(both members submitted) in {period}."
)
INPUT_NOTE = (
    "reviews open for at least "
    f"{INPUT_WINDOW.days} days while the candidate's mentoring agreement in this program was in "
    "force. A closed review's statements no longer change."
)
TOO_FEW_VERDICTS = (
    "Withheld to protect confidentiality: too few blocked or cautioned statements in the closed "
    "reviews counted to show any count without singling out a review."
)
TOO_FEW_STATEMENTS = (
    "Withheld to protect confidentiality: too few statements in the closed reviews counted "
    "to show any count without singling out a review."
)


def suppress(counts: dict, threshold: int, *, split: bool) -> dict | None:
    """`counts` with every cell below `threshold`, zero included, withheld (None); None if
    nothing can be shown.

    `split`: the cells divide a total the viewer may know, so one withheld cell would be that
    total minus the others. Then the smallest other cells are withheld too, until at least two
    are withheld and together they hold at least `threshold`, so that neither the withheld sum
    nor any one cell in it can be pinned down (a withheld sum of 0 would say "all none").
    """
    withheld = {key for key, n in counts.items() if below(n, threshold)}
    if split and withheld:

        def protected() -> bool:
            return len(withheld) >= 2 and sum(counts[key] for key in withheld) >= threshold

        others = sorted(
            (n, position, key)
            for position, (key, n) in enumerate(counts.items())
            if key not in withheld
        )
        for _, _, key in others:
            if protected():
                break
            withheld.add(key)
        if not protected():
            return None
    if len(withheld) == len(counts):
        return None
    return {key: None if key in withheld else n for key, n in counts.items()}


def _tone(share: int | None, target: int) -> str:
    if share is None:
        return "neutral"
    if share < AT_RISK_BELOW:
        return "bad"
    return "good" if share >= target else "warn"


@dataclass
class Dashboard:
    programs: list[ProgramHealth]
    counted_at: datetime.datetime  # the page says "figures as of" this time
    key: str  # the figures' cache key (see figures_key)
    hidden_reviews: int = 0  # reviews this viewer must learn nothing unshared about
    withheld_programs: tuple[int, ...] = ()  # whose statement chart this viewer does not get

    @property
    def rendering_key(self) -> str:
        """Names this one counting as this viewer sees it. The page caches its charts (thirty
        inline SVGs and tables, most of its rendering time) under it, so they always show
        these figures."""
        withheld = ",".join(str(pk) for pk in self.withheld_programs)
        return f"{self.key}@{self.counted_at.isoformat()}:withheld:{withheld}"

    def for_viewer(self, hidden: dict[int, int]) -> Dashboard:
        """The shared figures, without the statement chart of each program in which the viewer
        sits on a review's panel or is its candidate (`hidden`: review id -> program id)."""
        if not hidden:
            return self
        programs = set(hidden.values())
        return dataclasses.replace(
            self,
            programs=[
                health.without_statements() if health.program_id in programs else health
                for health in self.programs
            ],
            hidden_reviews=len(hidden),
            withheld_programs=tuple(sorted(programs)),
        )

    @property
    def min_cell(self) -> int:
        return min_cell()

    @property
    def periods_shown(self) -> int:
        return PERIODS_SHOWN

    @property
    def withheld_program_names(self) -> list[str]:
        return [h.name for h in self.programs if h.program_id in self.withheld_programs]

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
FIGURES_FORMAT = 6


# When the figures grow old, one request counts them again (it holds a lock entry in the same
# cache) while the others keep showing the old figures, which say when they were counted;
# without the lock every request arriving while it counts would count too. Old figures are kept
# for one more max age for that.
RECOUNT_LOCK_SECONDS = 60
# With no figures at all (first visit of the day), a request that finds another one counting
# waits this long for its figures before counting them itself.
FIRST_COUNT_WAIT_SECONDS = 10.0
FIRST_COUNT_POLL_SECONDS = 0.2


def program_health(
    *, viewer: User, today: datetime.date | None = None, now: datetime.datetime | None = None
) -> Dashboard:
    """Every program's figures, counted at most FIGURES_CACHE's TIMEOUT ago (or a little older
    while another request is counting them again), as this viewer may see them.

    Every viewer reads the same counted figures (one cache entry per day and threshold): a
    viewer on a panel or a candidate gets them without the statement chart of their reviews'
    programs (Dashboard.for_viewer), never a recount of their own that a colleague's would
    differ from by exactly their reviews. The date is part of the key: planned meetings are
    counted until today; so is the current period: confidential figures are those of the
    periods completed by `now` (module docstring, rule 1).
    """
    today = today or timezone.localdate()
    now = now or timezone.now()
    hidden = hidden_reviews(viewer)
    cache = caches[FIGURES_CACHE]
    key = figures_key(today=today, threshold=min_cell(), now=now)
    max_age = cache.default_timeout
    dashboard = cache.get(key)
    if dashboard is not None and not _is_old(dashboard, max_age):
        return dashboard.for_viewer(hidden)
    lock = f"{key}:counting"
    holds_lock = cache.add(lock, timezone.now(), timeout=RECOUNT_LOCK_SECONDS)
    if not holds_lock:
        if dashboard is not None:
            return dashboard.for_viewer(hidden)
        dashboard = _wait_for(cache, key)
        if dashboard is not None:
            return dashboard.for_viewer(hidden)
    try:
        dashboard = count_figures(today=today, key=key, now=now)
        cache.set(key, dashboard, timeout=None if max_age is None else 2 * max_age)
    finally:
        # Only the request that took the lock frees it: one that waited in vain and counted
        # too must leave the lock of the request still counting.
        if holds_lock:
            cache.delete(lock)
    return dashboard.for_viewer(hidden)


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


def hidden_reviews(viewer: User) -> dict[int, int]:
    """The reviews this viewer must learn nothing unshared about, with their programs: review
    id -> program id. Who that is, is PromotionReview.objects.unshared_input_hidden_from."""
    return dict(
        PromotionReview.objects.unshared_input_hidden_from(viewer)
        .order_by()
        .values_list("pk", "program_id")
    )


def figures_key(
    *, today: datetime.date, threshold: int, now: datetime.datetime | None = None
) -> str:
    # The threshold is part of the key: instances configured differently never serve each
    # other's figures. So is the most recent completed period: a new one is published at once.
    latest = completed_periods(now or timezone.now())[0]
    return (
        f"figures:v{FIGURES_FORMAT}:{today.isoformat()}:period:{latest.slug}:min-cell:{threshold}"
    )


def input_was_possible() -> Q:
    """On a closed PromotionReview queryset: a mentor could have given input in the review.

    The candidate had a pair in the review's program with an agreement that was in force (both
    members signed it, and it was not yet ended or superseded) during at least INPUT_WINDOW of
    the time the review was open. Only reviews like this count in the statement figures: a review
    whose candidate had no such pair holds no statement, and an admin who opened and closed it
    would know that zero in advance and could fill a period with it (module docstring, rule 1).

    Deliberately not the agreement's terms (whether they allow promotion participation):
    admins never see them, and which reviews are counted shows on the page. Once a review is
    closed the answer never changes: its dates are frozen, an agreement's activation time never
    changes, and one ended later was still in force while the review was open.
    """

    window = Value(INPUT_WINDOW, output_field=DurationField())
    in_force = Agreement.objects.filter(
        pair__program=OuterRef("program"),
        pair__mentee=OuterRef("candidate"),
        activated_at__isnull=False,
        # The overlap of the two periods, max(starts) to min(ends), lasts at least the window.
        activated_at__lte=OuterRef("closed_at") - window,
    ).filter(
        Q(closed_at__isnull=True)
        | (
            Q(closed_at__gte=OuterRef("created_at") + window)
            & Q(closed_at__gte=F("activated_at") + window)
        )
    )
    return Q(closed_at__gte=F("created_at") + window) & Q(Exists(in_force))


def count_figures(
    *, today: datetime.date, key: str, now: datetime.datetime | None = None
) -> Dashboard:
    """Every program's figures, the same for every viewer, confidential ones per period
    completed by `now` (the module docstring). The database does the counting, in five queries
    whose answers have one row per program and status (or question, or state, and period),
    whatever the number of pairs, meetings, answers or statements:

    1. the programs;
    2. pairs per program and status, with the active pairs' agreement and meeting figures and,
       per period, how many pairs completed the questionnaire in it;
    3. per question and period, the pairs of the period whose mentor's and mentee's submitted
       answers differ;
    4. reviews per program and status, with, per period, how many closed in it in which a
       mentor could give input;
    5. statements of those reviews per program, period and state, with the breach guard's
       blocked send attempts and cautioned sends among them.
    """

    threshold = min_cell()
    counted_at = timezone.now()
    periods = completed_periods(now or counted_at)
    programs = {
        p.pk: ProgramHealth(
            program_id=p.pk,
            name=p.name,
            min_cell=threshold,
            periods=[PeriodFigures(period=period) for period in periods],
        )
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

    def submitted_at(pair: str, member: str) -> Subquery:
        return Subquery(
            QuestionnaireSubmission.objects.filter(
                pair=OuterRef(pair), respondent=OuterRef(member)
            ).values("submitted_at")[:1]
        )

    compared = submitted("mentor") & submitted("mentee")
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
            # A pair completes the questionnaire when its second member submits; submitting
            # locks the answers for good, so a pair never leaves its period.
            completed=Greatest(submitted_at("pk", "mentor"), submitted_at("pk", "mentee")),
            period=period_of("completed", periods),
            last_held=last_held_meeting(),
        )
        .values("program_id", "status")
        .annotate(
            n=Count("pk"),
            **{
                f"compared_{index}": Count("pk", filter=compared & Q(period=index))
                for index in range(len(periods))
            },
            signed=Count(
                "pk",
                filter=active & Q(pk__in=Agreement.objects.active().values("pair_id")),
            ),
            planned_total=Sum("planned", filter=active),
            held_total=Sum("held", filter=active),
            behind=Count(
                "pk", filter=active & Q(planned__gte=2, held__lt=F("planned") * BEHIND_SHARE)
            ),
            overdue=Count("pk", filter=active & meetings_overdue(today)),
            questionnaire_open=Count("pk", filter=active & questionnaire_incomplete()),
        )
    )
    for row in pairs:
        health = programs.get(row["program_id"])
        if health is None:
            continue
        health.pairs_by_status[row["status"]] = row["n"]
        for index, figures in enumerate(health.periods):
            figures.pairs_compared += row[f"compared_{index}"]
        if row["status"] == Pair.Status.ACTIVE:
            health.active_pairs = row["n"]
            health.active_with_agreement = row["signed"]
            health.meetings_planned = row["planned_total"] or 0
            health.meetings_held = row["held_total"] or 0
            health.pairs_behind = row["behind"]
            health.pairs_overdue = row["overdue"]
            health.questionnaire_incomplete = row["questionnaire_open"]
    for health in programs.values():
        for figures in health.periods:
            if below(figures.pairs_compared, threshold):
                figures.pairs_compared = 0  # the period is withheld whole, its size with it

    mentee_answer = Answer.objects.filter(
        pair=OuterRef("pair"), question=OuterRef("question"), respondent=OuterRef("pair__mentee")
    )
    per_topic = (
        # Only pairs in which both answered the question: one that submitted before it was
        # asked could not differ on it, a zero its viewer would know in advance.
        Answer.objects.filter(respondent=F("pair__mentor"), pair__in=Pair.objects.filter(compared))
        .filter(Exists(mentee_answer))
        .alias(
            completed=Greatest(
                submitted_at("pair", "pair__mentor"), submitted_at("pair", "pair__mentee")
            ),
        )
        .annotate(period=period_of("completed", periods))
        .filter(period__isnull=False)
        .order_by()
        .values(
            "question_id", "question__text", "question__program_id", "question__order", "period"
        )
        # One mentor answer per pair and question (a unique constraint): rows are pairs.
        .annotate(
            answered=Count("pk"),
            differ=Count("pk", filter=Q(Exists(mentee_answer.exclude(value=OuterRef("value"))))),
        )
        .order_by("question__order", "question_id")
    )
    for row in per_topic:
        health = programs.get(row["question__program_id"])
        if health is None:
            continue
        figures = health.periods[row["period"]]
        if not figures.pairs_compared:
            continue
        # Listed only if at least `threshold` of the pairs that answered it differ and at least
        # `threshold` agree: "none differ" and "all differ" each say something about every one
        # of those pairs. Not a split (a pair can differ on several topics): no complement.
        if below(row["differ"], threshold) or below(row["answered"] - row["differ"], threshold):
            continue
        figures.mismatch_topics.append((row["question__text"], row["differ"]))
    for health in programs.values():
        for figures in health.periods:
            # Largest first; ties stay in question order.
            figures.mismatch_topics.sort(key=lambda topic: -topic[1])

    # Closing freezes a review and its statements, and a closed review never reopens: a
    # review never leaves the period it closed in.
    countable = Q(status=PromotionReview.Status.CLOSED) & input_was_possible()
    reviews = (
        PromotionReview.objects.order_by()
        .alias(period=period_of("closed_at", periods))
        .values("program_id", "status")
        .annotate(
            n=Count("pk"),
            **{
                f"countable_{index}": Count("pk", filter=countable & Q(period=index))
                for index in range(len(periods))
            },
        )
    )
    for row in reviews:
        health = programs.get(row["program_id"])
        if health is None:
            continue
        health.reviews_by_status[row["status"]] = row["n"]
        for index, figures in enumerate(health.periods):
            figures.reviews_counted += row[f"countable_{index}"]
    for health in programs.values():
        for figures in health.periods:
            if below(figures.reviews_counted, threshold):
                figures.reviews_counted = 0  # the period is withheld whole, its size with it

    statements = (
        Statement.objects.filter(review__in=PromotionReview.objects.filter(countable))
        .annotate(period=period_of("review__closed_at", periods))
        .filter(period__isnull=False)
        .order_by()
        .values("review__program_id", "period", "state")
        .annotate(
            n=Count("pk"),
            blocked=Sum("blocked_sends"),
            cautioned=Count("pk", filter=~Q(guard_cautions="")),
        )
    )
    by_state: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    guard: dict[tuple[int, int], dict[str, int]] = defaultdict(
        lambda: {"blocked": 0, "cautioned": 0}
    )
    for row in statements:
        cell = (row["review__program_id"], row["period"])
        by_state[cell][row["state"]] = row["n"]
        guard[cell]["blocked"] += row["blocked"] or 0
        guard[cell]["cautioned"] += row["cautioned"]
    for health in programs.values():
        for index, figures in enumerate(health.periods):
            if not figures.reviews_counted:
                continue
            cell = (health.program_id, index)
            counts = {state: by_state[cell].get(state, 0) for state in Statement.State.values}
            # The states split the statements of these reviews, which an admin can count.
            cells = suppress(counts, threshold, split=True)
            if cells is None:
                figures.statements_withheld = TOO_FEW_STATEMENTS
            else:
                figures.statements_by_state = cells
            # Not a split of a total an admin can count: attempts are not statements, and the
            # statements sent without a caution are shown nowhere.
            verdicts = suppress(guard[cell], threshold, split=False) or {}
            figures.guard_blocked = verdicts.get("blocked")
            figures.guard_cautioned = verdicts.get("cautioned")

    return Dashboard(programs=list(programs.values()), counted_at=counted_at, key=key)
