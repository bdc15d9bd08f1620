"""Read-side helpers: the engagement summary, the dashboard's "needs your attention" list and
the sections other apps add to it for a role, the user's pairs as lists show them, and paging
for lists that grow without bound."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import islice

from django.conf import settings
from django.db.models import (
    Count,
    DateField,
    Exists,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThanOrEqual
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from mentorship.models import Guideline, Meeting, Pair, User
from mentorship.statements import Prepared


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


# The pair page's engagement figures: compiled once per process (the pair is already the
# viewer's, read through Pair.objects.visible_to).
_ENGAGEMENT = Prepared(
    Meeting,
    lambda pair: (
        Meeting.objects.filter(pair_id=pair)
        .values("status")
        .annotate(
            count=Count("id"),
            minutes=Sum("duration_minutes"),
            first=Min("held_on"),
            last=Max("held_on"),
        )
        .values_list("status", "count", "minutes", "first", "last")
        .order_by()
    ),
    "pair",
)


def pair_engagement(pair: Pair, *, today: datetime.date | None = None) -> Engagement:
    # One row per status (GROUP BY): half the ORM work of five filtered aggregates.
    by_status = {
        status: {"count": count, "minutes": minutes, "first": first, "last": last}
        for status, count, minutes, first, last in _ENGAGEMENT.rows(pair=pair.pk)
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


# --- Who is looking --------------------------------------------------------------------------

# A role is a queryset of the rows that make the user hold it (their panel seats, their pairs as
# mentor...). Apps register their own, so this app never imports them.
RoleRows = Callable[[User], QuerySet]
_roles: dict[str, RoleRows] = {}


def register_role(name: str, rows: RoleRows) -> None:
    _roles[name] = rows


class Viewer:
    """The person "My mentoring" is for, with what several of its parts ask: the roles they
    hold and their active pairs. Each is read once (one query each) and only when asked; a
    Viewer lives for one page, like the request's user, so nothing here outlives a request."""

    def __init__(self, user: User | None):
        self.user = user

    @classmethod
    def of(cls, who: User | Viewer | None) -> Viewer:
        """Providers are asked with the page's Viewer, or (tests, reminders) with a user."""
        return who if isinstance(who, Viewer) else cls(who)

    @cached_property
    def roles(self) -> frozenset[str]:
        """The registered roles the user holds, in one query of EXISTS conditions."""
        user = self.user
        if user is None or not user.is_authenticated or not _roles:
            return frozenset()
        names = tuple(_roles)
        found = _ROLES.rows(key=names, viewer=user.pk)
        if not found:
            return frozenset()
        return frozenset(name for name, held in zip(names, found[0], strict=True) if held)

    def holds(self, role: str) -> bool:
        return role in self.roles

    @cached_property
    def active_pairs(self) -> list[Pair]:
        """The user's active pairs (members' names, `last_held`), in a total order: the
        attention list is paged by computing it again. Every provider that works per active
        pair reads them here. The pairs carry their own columns, the annotations and each
        member's name only (no other column of a member is read)."""
        if not self.holds(ACTIVE_PAIR):
            return []
        names = _active_pair_annotation_names()
        db, pairs = User.objects.db, []
        for row in _ACTIVE_PAIRS.rows(key=tuple(_pair_annotations), viewer=self.user.pk):
            pair = Pair.from_db(db, _PAIR_COLUMNS, row[: len(_PAIR_COLUMNS)])
            rest = row[len(_PAIR_COLUMNS) :]
            for name, value in zip(names, rest, strict=False):
                setattr(pair, name, value)
            pair.mentor = User.from_db(db, _MEMBER_COLUMNS, (pair.mentor_id, *rest[-4:-2]))
            pair.mentee = User.from_db(db, _MEMBER_COLUMNS, (pair.mentee_id, *rest[-2:]))
            pairs.append(pair)
        return pairs

    def active_pairs_as(self, role: str) -> list[Pair]:
        field = "mentor_id" if role == MENTOR else "mentee_id"
        return [pair for pair in self.active_pairs if getattr(pair, field) == self.user.pk]


# What other apps need of each active pair, read in the same query: name -> expression.
_pair_annotations: list[Callable[[User], dict]] = []


def register_active_pair_annotations(annotations: Callable[[User], dict]) -> None:
    if annotations not in _pair_annotations:
        _pair_annotations.append(annotations)


# The roles query has the same shape for everyone; only the user's id differs. Django builds
# and compiles it once per process and set of registered roles (mentorship.statements.Prepared)
# and each page runs that SQL with its own user's id: the query costs the database's work, not
# Django's, while the conditions stay the querysets the apps registered.
def _roles_query(*names: str, viewer: int) -> QuerySet:
    user = User(pk=viewer)
    return User.objects.filter(pk=viewer).values_list(
        *(Exists(_roles[name](user)) for name in names)
    )[:1]


_ROLES = Prepared(User, _roles_query, "viewer")
# A user no row is (the stand-in the active pairs' annotation names are built for).
_ANYONE = -7_700_000_000_000_077


_PAIR_COLUMNS = [field.attname for field in Pair._meta.concrete_fields]
# A member's id and name, in the order of User's fields (Model.from_db takes them so).
_MEMBER_COLUMNS = [
    field.attname
    for field in User._meta.concrete_fields
    if field.attname in {"id", "full_name", "username"}
]


def _active_pair_annotations(user: User) -> dict:
    current = Guideline.objects.published().filter(program=OuterRef("program"))
    current = current.order_by("-version")
    annotations = {
        "last_held": last_held_meeting(),
        # The program's guideline in force, which every pair's flow compares with.
        "current_guideline_id": Subquery(current.values("pk")[:1]),
        "current_guideline_version": Subquery(current.values("version")[:1]),
    }
    for more in _pair_annotations:
        annotations.update(more(user))
    return annotations


_annotation_names: dict[tuple, list[str]] = {}


def _active_pair_annotation_names() -> list[str]:
    key = tuple(_pair_annotations)
    if key not in _annotation_names:
        _annotation_names[key] = list(_active_pair_annotations(User(pk=_ANYONE)))
    return _annotation_names[key]


def _active_pairs(user: User) -> QuerySet:
    annotations = _active_pair_annotations(user)
    return (
        Pair.objects.visible_to(user)
        .active()
        .annotate(**annotations)
        .order_by(*Pair._meta.ordering, "pk")
        .values_list(
            *_PAIR_COLUMNS,
            *annotations,
            *(f"mentor__{name}" for name in _MEMBER_COLUMNS[1:]),
            *(f"mentee__{name}" for name in _MEMBER_COLUMNS[1:]),
        )
    )


# Compiled once per process for each set of registered annotations (the key).
_ACTIVE_PAIRS = Prepared(
    Pair, lambda *annotations, viewer: _active_pairs(User(pk=viewer)), "viewer"
)


MENTOR, MENTEE, ACTIVE_PAIR = "mentor", "mentee", "in an active pair"
register_role(MENTOR, lambda user: Pair.objects.filter(mentor=user))
register_role(MENTEE, lambda user: Pair.objects.filter(mentee=user))
register_role(ACTIVE_PAIR, lambda user: Pair.objects.visible_to(user).active())


def url_maker(name: str) -> Callable[[int], str]:
    """The URL of `name` for any one id, reversed once per process (for each URL configuration
    and script prefix) instead of per row or per page: a reverse() cost about 50 µs here."""
    before, after = _url_parts(name, settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
    return lambda pk: f"{before}{pk}{after}"


@lru_cache(maxsize=256)
def _url_parts(name: str, *url_configuration) -> tuple[str, str]:
    # The arguments after the name only key the cache: reverse() reads them itself.
    sentinel = 7_770_000_000_000_000_777
    before, after = reverse(name, args=[sentinel]).split(str(sentinel))
    return before, after


# A provider yields what needs the user's attention, at most `limit` items (None: all of them),
# so a page of the list costs what the page shows, not the user's whole history. It is asked
# with the page's Viewer (or, called directly, a user: Viewer.of gives the Viewer either way).
AttentionProvider = Callable[[Viewer, int | None], Iterable[AttentionItem]]
_providers: list[AttentionProvider] = []
_provider_roles: dict[AttentionProvider, str] = {}


def register_attention(
    provider: AttentionProvider, *, role: str | None = None
) -> AttentionProvider:
    """Apps add what needs a user's attention (unsigned agreements, consents to give, ...).
    With `role`, the provider is asked only of people who hold it (Viewer.roles)."""
    if provider not in _providers:
        _providers.append(provider)
    if role is not None:
        _provider_roles[provider] = role
    return provider


class Attention:
    """The user's attention items from every provider in turn, fetched only as far as asked:
    `attention[0:21]` asks each provider for no more than the items still missing."""

    def __init__(self, user: User | Viewer | None):
        self.viewer = Viewer.of(user)
        self.user = self.viewer.user

    def _items(self, limit: int | None) -> Iterator[AttentionItem]:
        for provider in _providers:
            if limit is not None and limit <= 0:
                return
            role = _provider_roles.get(provider)
            if role is not None and not self.viewer.holds(role):
                continue
            items = list(islice(provider(self.viewer, limit), limit))
            yield from items
            if limit is not None:
                limit -= len(items)

    def __iter__(self) -> Iterator[AttentionItem]:
        return self._items(None)

    def __getitem__(self, key: slice) -> list[AttentionItem]:
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("Attention supports only slices without a step.")
        return list(islice(self._items(key.stop), key.start, key.stop))


def attention_for(user: User | Viewer | None) -> Attention:
    return Attention(user)


def with_last_held(pairs: QuerySet[Pair]) -> QuerySet[Pair]:
    """Each pair annotated with `last_held`, the date of its latest held meeting."""
    return pairs.annotate(
        last_held=Max("meetings__held_on", filter=Q(meetings__status=Meeting.Status.HELD))
    )


def last_held_meeting() -> Subquery:
    """`last_held` of with_last_held as a subquery (NULL: no held meeting yet), for pairs read
    with their members: no join of every meeting and GROUP BY over every column the query
    selects. The dashboard, the program dashboard and its lists read it."""
    held = Meeting.objects.filter(pair=OuterRef("pk"), status=Meeting.Status.HELD)
    return Subquery(held.order_by("-held_on").values("held_on")[:1])


def meetings_overdue_from(pair: Pair) -> datetime.date | None:
    """The first day a pair (annotated by with_last_held) counts as not meeting: more than twice
    its planned cadence after its latest held meeting, or its start. None: neither is known.
    The dashboard and the reminders (mentorship/reminders.py) both ask here."""
    since = pair.last_held or pair.started_on
    if since is None:
        return None
    return since + datetime.timedelta(days=2 * pair.cadence_days + 1)


def meetings_overdue(today: datetime.date) -> Q:
    """meetings_overdue_from as a condition on a Pair queryset annotated with
    `last_held=last_held_meeting()`: the pair is overdue on `today`. One branch per cadence
    (Pair.Cadence), so the date arithmetic stays portable; the program dashboard's count and
    its list of overdue pairs read it, tests/mentorship/test_meetings_overdue_sql.py holds it to
    meetings_overdue_from."""
    since = Coalesce("last_held", "started_on")
    overdue = Q()
    for cadence in Pair.Cadence.values:
        latest = today - datetime.timedelta(days=2 * cadence + 1)
        overdue |= Q(cadence_days=cadence) & Q(
            LessThanOrEqual(since, Value(latest, output_field=DateField()))
        )
    return overdue


@register_attention
def overdue_meetings(viewer: Viewer | User, limit: int | None = None) -> Iterable[AttentionItem]:
    """Active pairs with no held meeting within twice their planned cadence. (The user's
    active pairs are few; Attention stops reading once it has `limit` items.)"""
    viewer = Viewer.of(viewer)
    today = timezone.localdate()
    pair_url = url_maker("mentorship:pair")
    for pair in viewer.active_pairs:
        overdue_from = meetings_overdue_from(pair)
        if overdue_from is None or today >= overdue_from:
            other = pair.other_member(viewer.user)
            yield AttentionItem(
                message=f"No meeting with {other} logged recently.",
                url=pair_url(pair.pk) + "#meetings",
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
# asked only of people who hold the role it is registered with (Viewer.roles), and costs a fixed
# number of queries, the same whatever the user's history (each list is one page).
SectionProvider = Callable[[HttpRequest], "DashboardSection | None"]
_section_providers: list[SectionProvider] = []
_section_roles: dict[SectionProvider, str] = {}


def register_dashboard_section(
    provider: SectionProvider, *, role: str | None = None
) -> SectionProvider:
    if provider not in _section_providers:
        _section_providers.append(provider)
    if role is not None:
        _section_roles[provider] = role
    return provider


def dashboard_sections(
    request: HttpRequest, viewer: Viewer | None = None
) -> list[DashboardSection]:
    """The sections of the roles the user holds, in the order the apps registered them."""
    viewer = viewer or Viewer(request.user)
    sections = (
        provider(request)
        for provider in _section_providers
        if provider not in _section_roles or viewer.holds(_section_roles[provider])
    )
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


@dataclass(frozen=True)
class PairRow:
    """One pair in the dashboard's lists: what the row shows, and its link."""

    url: str
    partner: str  # the other member's name
    program: str
    is_active: bool
    status: str  # the status's label


def _pairs_in_role(user: User, role: str, start: int, stop: int) -> QuerySet:
    partner = MENTEE if role == MENTOR else MENTOR
    return (
        listed_pairs(user)
        .filter(**{role: user})
        .values_list(
            "pk", "status", "program__name", f"{partner}__full_name", f"{partner}__username"
        )[start:stop]
    )


# Compiled once per process for each role and page (the key).
_LISTED_PAIRS = Prepared(
    Pair,
    lambda role, start, stop, viewer: _pairs_in_role(User(pk=viewer), role, start, stop),
    "viewer",
)


def pair_list_page(request, viewer: Viewer, role: str, *, per_page: int = 20) -> PageOf:
    """Page `?as_<role>=N` of the viewer's pairs in that role (MENTOR or MENTEE), as PairRows:
    one query of the columns a row shows, and none for someone who does not hold the role."""
    param = f"as_{role}"
    if not viewer.holds(role):
        return page_of(request, [], per_page=per_page, param=param)
    page = page_of(
        request, _LISTED_PAIRS.pages(role, viewer=viewer.user.pk), per_page=per_page, param=param
    )
    pair_url, labels = url_maker("mentorship:pair"), dict(Pair.Status.choices)
    page.items = [
        PairRow(
            url=pair_url(pk),
            partner=full_name or username,  # User.__str__
            program=program,
            is_active=status == Pair.Status.ACTIVE,
            status=labels[status],
        )
        for pk, status, program, full_name, username in page.items
    ]
    return page
