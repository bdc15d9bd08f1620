"""Read-side helpers: the engagement summary and the dashboard's "needs your attention" list."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone

from mentorship.models import Meeting, Pair, User


@dataclass(frozen=True)
class Engagement:
    """Facts the meeting log supports. Counts and dates only, never notes."""

    planned: int
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
    held = Q(status=Meeting.Status.HELD)
    figures = Meeting.objects.filter(pair=pair).aggregate(
        held=Count("id", filter=held),
        missed=Count("id", filter=Q(status=Meeting.Status.MISSED)),
        minutes=Sum("duration_minutes", filter=held),
        first=Min("held_on", filter=held),
        last=Max("held_on", filter=held),
    )
    return Engagement(
        planned=pair.planned_meetings(today),
        held=figures["held"],
        missed=figures["missed"],
        minutes_held=figures["minutes"] or 0,
        first_meeting=figures["first"],
        last_meeting=figures["last"],
    )


@dataclass(frozen=True)
class AttentionItem:
    message: str
    url: str
    action: str = "Open"


AttentionProvider = Callable[[User], Iterable[AttentionItem]]
_providers: list[AttentionProvider] = []


def register_attention(provider: AttentionProvider) -> AttentionProvider:
    """Apps add what needs a user's attention (unsigned agreements, consents to give, ...)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def attention_for(user: User) -> list[AttentionItem]:
    items: list[AttentionItem] = []
    for provider in _providers:
        items.extend(provider(user))
    return items


@register_attention
def overdue_meetings(user: User) -> Iterable[AttentionItem]:
    """Active pairs with no held meeting within twice their planned cadence."""
    today = timezone.localdate()
    pairs = (
        Pair.objects.visible_to(user)
        .active()
        .select_related("mentor", "mentee")
        .annotate(
            last_held=Max("meetings__held_on", filter=Q(meetings__status=Meeting.Status.HELD))
        )
    )
    for pair in pairs:
        since = pair.last_held or pair.started_on
        if since is None or (today - since).days > 2 * pair.cadence_days:
            other = pair.other_member(user)
            yield AttentionItem(
                message=f"No meeting with {other} logged recently.",
                url=pair.get_absolute_url() + "#meetings",
                action="Log a meeting",
            )
