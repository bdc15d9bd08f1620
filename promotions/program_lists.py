"""The lists behind the program dashboard's operational figures: which active pairs have no
signed agreement, which are overdue on meetings, which have not completed the questionnaire;
each with a way to remind them and a CSV export.

Operational status only, of what admins manage: the pair's members, its status and dates, its
cadence and the date of its last held meeting (all in the admin site's pair page anyway), and
whether each member has submitted the questionnaire (the step the scheduled reminders chase;
never an answer, a draft, a comment or whether answers differ). Nothing here is derived from
confidential input (answers, statements, consents, review input), so no list needs the
dashboard's disclosure control (program_dashboard.py): the membership of a list says what a
person has still to do, not what anyone said.

Scoped by mentorship.permissions.programs_managed_by: a list shows the pairs of one program the
viewer manages, and another program's pairs never appear. Every page runs a fixed number of
queries whatever the size of the list (it is paged); the export reads every row in one query.

Reminding goes through the reminders machinery (mentorship.reminders.send_dues): the same
ReminderSent rows as the scheduled run, so a second click, or the hourly run after it, never
reaches a person twice within the reminder's period.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from agreements.models import Agreement
from agreements.reminders import (
    AGREEMENT_MISSING,
    QUESTIONNAIRE_NOT_SUBMITTED,
    agreement_missing_dues,
    questionnaire_dues,
    questionnaire_incomplete,
    submitted_by,
    without_agreement,
)
from mentorship.models import Pair, Program
from mentorship.reminders import (
    MEETINGS_OVERDUE,
    Due,
    Reminder,
    meetings_overdue_dues,
    send_dues,
    start_of_day,
)
from mentorship.selectors import last_held_meeting, meetings_overdue, meetings_overdue_from

PER_PAGE = 25


@dataclass(frozen=True)
class Row:
    pair: Pair
    cells: tuple[str, ...]  # the list's own columns, after mentor, mentee and start date


@dataclass(frozen=True)
class PairList:
    key: str  # in the URL and the file name
    title: str
    figure: str  # how the dashboard names the count that links here
    explanation: str
    empty: str
    columns: tuple[str, ...]
    reminder: Reminder
    remind_label: str
    _filter: Callable[[datetime.date], Q] = dataclasses.field(repr=False)
    _annotate: Callable[[QuerySet], QuerySet] = dataclasses.field(repr=False)
    _cells: Callable[[Pair, datetime.date], tuple[str, ...]] = dataclasses.field(repr=False)
    _dues: Callable[[QuerySet, datetime.datetime], Iterable[Due]] = dataclasses.field(repr=False)

    @property
    def url_name(self) -> str:
        """mentorship:<url_name> is the list, <url_name>_csv its export, <url_name>_remind."""
        return "program_list_" + self.key.replace("-", "_")

    def pairs(self, program: Program, today: datetime.date) -> QuerySet[Pair]:
        """The program's active pairs on this list, in a total order (the page is sliced)."""
        return (
            self._annotate(Pair.objects.filter(program=program, status=Pair.Status.ACTIVE))
            .filter(self._filter(today))
            .select_related("mentor", "mentee")
            .order_by("mentor__full_name", "mentee__full_name", "pk")
        )

    def rows(self, pairs: Iterable[Pair], today: datetime.date) -> Iterator[Row]:
        for pair in pairs:
            yield Row(pair, self._cells(pair, today))

    def dues(self, program: Program, now: datetime.datetime) -> list[Due]:
        """The reminders this list owes its people now. Those not yet due by the scheduled
        reminder's own clock (a pair that started yesterday) are due today: the admin asked."""
        today = timezone.localtime(now).date()
        listed = Pair.objects.filter(pk__in=self.pairs(program, today).values("pk"))
        return [
            dataclasses.replace(due, due_at=min(due.due_at, start_of_day(today)))
            for due in self._dues(listed, now)
        ]

    def remind(self, program: Program, now: datetime.datetime) -> Reminded:
        dues = [due for due in self.dues(program, now) if due.recipient.is_active]
        sent = send_dues(self.reminder, dues, now=now)
        return Reminded(sent=sent, already=len(dues) - sent, period=self.reminder.period)


@dataclass(frozen=True)
class Reminded:
    sent: int  # people reminded now
    already: int  # people already reminded within the period: not again
    period: datetime.timedelta

    @property
    def message(self) -> str:
        people = f"{self.sent} {'person was' if self.sent == 1 else 'people were'} reminded"
        if not self.already:
            return f"{people}."
        days = self.period.days
        return (
            f"{people}. {self.already} {'person was' if self.already == 1 else 'people were'} "
            f"not reminded again: they had been reminded within the last {days} "
            f"day{'s' if days != 1 else ''}."
        )


def _day(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def _overdue_cells(pair: Pair, today: datetime.date) -> tuple[str, ...]:
    return (
        pair.get_cadence_days_display(),
        _day(pair.last_held) or "none yet",
        _day(meetings_overdue_from(pair)),
    )


def _agreement_cells(pair: Pair, today: datetime.date) -> tuple[str, ...]:
    return ("terms awaiting signatures" if pair.terms_proposed else "no terms proposed yet",)


def _questionnaire_cells(pair: Pair, today: datetime.date) -> tuple[str, ...]:
    waiting = [
        role
        for role, submitted in (
            ("mentor", pair.mentor_submitted),
            ("mentee", pair.mentee_submitted),
        )
        if not submitted
    ]
    return (" and ".join(waiting),)


NO_AGREEMENT = PairList(
    key="no-agreement",
    title="Active pairs with no signed agreement",
    figure="without a signed agreement",
    explanation=(
        "Active pairs in which the two members have not both signed a confidentiality "
        "agreement. Until they have, the mentor cannot take part in a promotion review."
    ),
    empty="Every active pair has a signed agreement.",
    columns=("Agreement",),
    reminder=AGREEMENT_MISSING,
    remind_label="Remind both members of each pair",
    _filter=lambda today: without_agreement(),
    _annotate=lambda pairs: pairs.annotate(
        terms_proposed=Exists(
            Agreement.objects.open().filter(pair=OuterRef("pk")).exclude(canonical_text="")
        )
    ),
    _cells=_agreement_cells,
    _dues=lambda pairs, now: agreement_missing_dues(pairs),
)

OVERDUE_MEETINGS = PairList(
    key="overdue-meetings",
    title="Active pairs overdue on meetings",
    figure="overdue on meetings",
    explanation=(
        "Active pairs with no held meeting logged for more than twice their planned cadence, "
        "counted from their last held meeting or, before the first, from their start date: the "
        "same rule the scheduled meeting reminders follow."
    ),
    empty="No active pair is overdue on meetings.",
    columns=("Cadence", "Last meeting held", "Overdue since"),
    reminder=MEETINGS_OVERDUE,
    remind_label="Remind both members of each pair",
    _filter=meetings_overdue,
    _annotate=lambda pairs: pairs.annotate(last_held=last_held_meeting()),
    _cells=_overdue_cells,
    _dues=meetings_overdue_dues,
)

QUESTIONNAIRE = PairList(
    key="questionnaire",
    title="Active pairs that have not completed the questionnaire",
    figure="with the questionnaire not completed",
    explanation=(
        "Active pairs in which a member has not submitted the confidentiality questionnaire. "
        "Only whether each member submitted is shown, never an answer."
    ),
    empty="In every active pair both members have submitted the questionnaire.",
    columns=("Still to submit",),
    reminder=QUESTIONNAIRE_NOT_SUBMITTED,
    remind_label="Remind those still to submit",
    _filter=lambda today: questionnaire_incomplete(),
    _annotate=lambda pairs: pairs.annotate(
        mentor_submitted=submitted_by("mentor"), mentee_submitted=submitted_by("mentee")
    ),
    _cells=_questionnaire_cells,
    _dues=lambda pairs, now: questionnaire_dues(pairs),
)

LISTS: dict[str, PairList] = {
    pair_list.key: pair_list for pair_list in (NO_AGREEMENT, OVERDUE_MEETINGS, QUESTIONNAIRE)
}


# --- CSV ----------------------------------------------------------------------------------------

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): a
# name such as "=HYPERLINK(...)" typed into the admin site would run on the admin's computer.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """The cell as text a spreadsheet shows as written: a leading apostrophe before a formula."""
    value = str(value)
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def csv_header(pair_list: PairList) -> list[str]:
    return ["Program", "Mentor", "Mentee", "Pair status", "Started on", *pair_list.columns]


def csv_lines(pair_list: PairList, program: Program, today: datetime.date) -> Iterator[str]:
    """The whole list as CSV lines, read in one query (in chunks, not paged)."""

    class Line:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Line())
    yield writer.writerow([safe_cell(c) for c in csv_header(pair_list)])
    pairs = pair_list.pairs(program, today).iterator(chunk_size=2000)
    for row in pair_list.rows(pairs, today):
        pair = row.pair
        cells = [
            program.name,
            str(pair.mentor),
            str(pair.mentee),
            pair.get_status_display(),
            _day(pair.started_on),
            *row.cells,
        ]
        yield writer.writerow([safe_cell(c) for c in cells])


def csv_filename(pair_list: PairList, program: Program, today: datetime.date) -> str:
    """ASCII letters, digits and hyphens only, whatever the program is called."""
    name = slugify(program.name)[:60] or f"program-{program.pk}"
    return f"{name}-{pair_list.key}-{today.isoformat()}.csv"
