"""Read-side helpers: the engagement summary, the dashboard's "needs your attention" list and
the sections other apps add to it for a role, the user's pairs as lists show them, and paging
for lists that grow without bound."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.http import HttpRequest
from django.utils import timezone

from mentorship.models import Meeting, Pair, User


@dataclass(frozen=True)
class Engagement:
    """Facts the meeting log supports. Counts and dates only, never notes."""

    planned: int | None  # None: no start date, so nothing is planned yet
    held: int
    missed: int
    minutes_held: int
    first_meeting: datetime.date | None
    last_meeting: datetime.date | None

    @property
    def percent_of_plan(self) -> int | None:
        if not self.planned:
            return None
        return round(100 * self.held / self.planned)


def pair_engagement(pair: Pair, *, today: datetime.date | None = None) -> Engagement:
    # One row per status (GROUP BY): half the ORM work of five filtered aggregates.
    by_status = {
        row["status"]: row
        for row in Meeting.objects.filter(pair=pair)
        .values("status")
        .annotate(
            count=Count("id"),
            minutes=Sum("duration_minutes"),
            first=Min("held_on"),
            last=Max("held_on"),
        )
        .order_by()
    }
    held = by_status.get(Meeting.Status.HELD, {})
    return Engagement(
        planned=pair.planned_meetings(today) if pair.started_on is not None else None,
        held=held.get("count", 0),
        missed=by_status.get(Meeting.Status.MISSED, {}).get("count", 0),
        minutes_held=held.get("minutes") or 0,
        first_meeting=held.get("first"),
        last_meeting=held.get("last"),
    )


def pair_start_notice(pair: Pair, *, today: datetime.date | None = None) -> str:
    """What the pair's members are waiting for before the pair starts, or "" once it has.

    One sentence for both members, so the mentor's and the mentee's pages say the same thing.
    """
    today = today or timezone.localdate()
    if pair.status == Pair.Status.PROPOSED and pair.started_on is None:
        return (
            "Your pair has not started yet: the program admin sets the start date. Until then "
            "you cannot start your agreement or log meetings."
        )
    if pair.is_active and pair.started_on is not None and pair.started_on > today:
        return (
            f"Your pair starts on {pair.started_on.day} {pair.started_on:%B %Y}: meetings are "
            "planned from that date. You can start your agreement now."
        )
    return ""


@dataclass(frozen=True)
class AttentionItem:
    message: str
    url: str
    action: str = "Open"


# A provider yields what needs the user's attention, at most `limit` items (None: all of them),
# so a page of the list costs what the page shows, not the user's whole history.
AttentionProvider = Callable[[User, int | None], Iterable[AttentionItem]]
_providers: list[AttentionProvider] = []


def register_attention(provider: AttentionProvider) -> AttentionProvider:
    """Apps add what needs a user's attention (unsigned agreements, consents to give, ...)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


class Attention:
    """The user's attention items from every provider in turn, fetched only as far as asked:
    `attention[0:21]` asks each provider for no more than the items still missing."""

    def __init__(self, user: User):
        self.user = user

    def _items(self, limit: int | None) -> Iterator[AttentionItem]:
        for provider in _providers:
            if limit is not None and limit <= 0:
                return
            items = list(islice(provider(self.user, limit), limit))
            yield from items
            if limit is not None:
                limit -= len(items)

    def __iter__(self) -> Iterator[AttentionItem]:
        return self._items(None)

    def __getitem__(self, key: slice) -> list[AttentionItem]:
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("Attention supports only slices without a step.")
        return list(islice(self._items(key.stop), key.start, key.stop))


def attention_for(user: User) -> Attention:
    return Attention(user)


def with_last_held(pairs: QuerySet[Pair]) -> QuerySet[Pair]:
    """Each pair annotated with `last_held`, the date of its latest held meeting."""
    return pairs.annotate(
        last_held=Max("meetings__held_on", filter=Q(meetings__status=Meeting.Status.HELD))
    )


def meetings_overdue_from(pair: Pair) -> datetime.date | None:
    """The first day a pair (annotated by with_last_held) counts as not meeting: more than twice
    its planned cadence after its latest held meeting, or its start. None: neither is known.
    The dashboard and the reminders (mentorship/reminders.py) both ask here."""
    since = pair.last_held or pair.started_on
    if since is None:
        return None
    return since + datetime.timedelta(days=2 * pair.cadence_days + 1)


@register_attention
def overdue_meetings(user: User, limit: int | None = None) -> Iterable[AttentionItem]:
    """Active pairs with no held meeting within twice their planned cadence. (The user's
    active pairs are few; Attention stops reading once it has `limit` items.)"""
    today = timezone.localdate()
    pairs = (
        with_last_held(Pair.objects.visible_to(user).active().select_related("mentor", "mentee"))
        # The model's ordering has ties (same names); the attention list is paged by
        # recomputing it, so its order must be total.
        .order_by(*Pair._meta.ordering, "pk")
    )
    for pair in pairs:
        overdue_from = meetings_overdue_from(pair)
        if overdue_from is None or today >= overdue_from:
            other = pair.other_member(user)
            yield AttentionItem(
                message=f"No meeting with {other} logged recently.",
                url=pair.get_absolute_url() + "#meetings",
                action="Log a meeting",
            )


# --- Role sections -------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionList:
    """One list of a dashboard section: its rows are AttentionItems (a name or a state and one
    link), paged like the other lists of the dashboard (a PageOf) or short by construction."""

    title: str
    items: PageOf | list[AttentionItem]
    empty: str = ""  # said when the list is empty; an empty list without it is not shown
    collapsed: bool = False  # shown folded: what is done, kept apart from what is still to do
    pager_label: str = "More"


@dataclass(frozen=True)
class DashboardSection:
    """A part of "My mentoring" for a role the user holds (panel member, candidate, program
    admin...). Another app registers the provider, so this app never imports it."""

    key: str  # the section's id on the page
    title: str
    lists: list[SectionList]
    note: str = ""


# A section provider returns the user's section, or None when they do not hold its role. It is
# asked on every dashboard view, so it costs a fixed number of queries, the same whatever the
# user's history (each list is one page).
SectionProvider = Callable[[HttpRequest], "DashboardSection | None"]
_section_providers: list[SectionProvider] = []


def register_dashboard_section(provider: SectionProvider) -> SectionProvider:
    if provider not in _section_providers:
        _section_providers.append(provider)
    return provider


def dashboard_sections(request: HttpRequest) -> list[DashboardSection]:
    """The sections of the roles the user holds, in the order the apps registered them."""
    sections = (provider(request) for provider in _section_providers)
    return [section for section in sections if section is not None]


# --- Pagination -----------------------------------------------------------------------------


@dataclass
class PageOf:
    """One page of a list that can grow without bound, without a COUNT query: one extra row is
    fetched to know whether a next page exists. Iterates like the list of its items."""

    items: list
    number: int
    has_next: bool
    previous_url: str = ""
    next_url: str = ""

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next


MAX_PAGE = 100_000


def listed_pairs(user: User) -> QuerySet[Pair]:
    """The user's pairs in a stable order for paging, with what every list of them shows."""
    return (
        Pair.objects.visible_to(user)
        .select_related("program", "mentor", "mentee")
        .order_by(*Pair._meta.ordering, "pk")
    )


def page_of(
    request,
    items: Sequence | QuerySet,
    *,
    per_page: int = 20,
    param: str = "page",
    anchor: str = "",
) -> PageOf:
    """Page `?<param>=N` of `items` (a queryset is sliced in SQL: one query, no COUNT)."""
    try:
        # Clamped: a huge number would become an OFFSET the database refuses (a 500).
        number = min(max(1, int(request.GET.get(param, 1))), MAX_PAGE)
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * per_page
    rows = list(items[start : start + per_page + 1])

    def url(n: int) -> str:
        query = request.GET.copy()
        if n == 1:
            query.pop(param, None)
        else:
            query[param] = str(n)
        encoded = query.urlencode()
        return f"{request.path}{'?' + encoded if encoded else ''}{anchor}"

    has_next = len(rows) > per_page
    return PageOf(
        items=rows[:per_page],
        number=number,
        has_next=has_next,
        previous_url=url(number - 1) if number > 1 else "",
        next_url=url(number + 1) if has_next else "",
    )
