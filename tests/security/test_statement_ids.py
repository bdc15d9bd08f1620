"""A mentor's statement ids say nothing about statements others write (issue 12, channel 5).

With ids from a sequence, a mentor who saved two drafts learned from the gap between their ids
how many statements everyone else had written in between (found in an attack review).
"""

from __future__ import annotations

import pytest

from promotions.models import Statement, new_statement_id
from tests.factories import StatementFactory

pytestmark = pytest.mark.django_db


def test_the_gap_between_my_drafts_does_not_count_other_drafts():
    mine = StatementFactory(state=Statement.State.DRAFT)
    StatementFactory(state=Statement.State.DRAFT)  # someone else's, hidden from me
    again = StatementFactory(review=mine.review, pair=mine.pair, state=Statement.State.DRAFT)
    quiet = StatementFactory(review=mine.review, pair=mine.pair, state=Statement.State.DRAFT)
    # From a sequence these were n, n+2 and n+3: the first gap showed one hidden statement.
    assert again.pk - mine.pk != 2
    assert quiet.pk - again.pk != 1
    assert min(mine.pk, again.pk, quiet.pk) >= 2**31  # above anything a sequence handed out


def test_ids_are_exact_in_javascript_and_spread():
    ids = {new_statement_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(2**31 <= i < 2**53 for i in ids)
