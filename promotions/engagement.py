"""Sentences about the mentoring relationship that the meeting log supports.

Offered to the mentor writing an engagement statement: facts, not judgements.
"""

from __future__ import annotations

import datetime

from mentorship.models import Pair
from mentorship.selectors import pair_engagement


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def engagement_sentences(pair: Pair, *, today: datetime.date | None = None) -> list[str]:
    facts = pair_engagement(pair, today=today)
    sentences = []
    if pair.started_on is not None:
        sentences.append(
            f"We met {_times(facts.held)} of {facts.planned} planned since {pair.started_on:%B %Y}."
        )
    if facts.held == 0:
        sentences.append("We have not held a meeting yet.")
    else:
        hours = facts.minutes_held / 60
        spent = f"about {round(hours)} hours" if hours >= 1.5 else f"{facts.minutes_held} minutes"
        sentences.append(f"In our meetings we spent {spent} together.")
    if facts.missed:
        sentences.append(
            f"{facts.missed} planned meeting{'s' if facts.missed != 1 else ''} did not take place."
        )
    if facts.last_meeting is not None:
        sentences.append(f"Our most recent meeting was in {facts.last_meeting:%B %Y}.")
    return sentences
