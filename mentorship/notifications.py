"""Messages about pairs. Each names the partner, the program and the start date and links to the
pair page; never a meeting note or anything else the pair holds."""

from __future__ import annotations

from django.utils import timezone

from mentorship.models import Pair
from mentorship.notify import notify


def pair_started(*, pair: Pair) -> None:
    """Tell both members their pair is active: until now they could do nothing on it."""
    upcoming = pair.started_on is not None and pair.started_on > timezone.localdate()
    for member in (pair.mentor, pair.mentee):
        partner = pair.other_member(member)
        notify(
            to=member,
            kind="mentorship.pair_started",
            subject=(
                f"Your mentoring pair with {partner} starts on "
                f"{pair.started_on.day} {pair.started_on:%B %Y}"
                if upcoming
                else f"Your mentoring pair with {partner} has started"
            ),
            template="emails/mentorship/pair_started.txt",
            context={
                "partner": str(partner),
                "role": pair.role_of(member),
                "program": str(pair.program),
                "started_on": pair.started_on,
                "upcoming": upcoming,
            },
            link=pair.get_absolute_url(),
        )
