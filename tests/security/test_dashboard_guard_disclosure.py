"""Issue 13, phase 2: the program dashboard counts the breach guard's verdicts per program (send
attempts it blocked, statements sent with a caution), never their words, under the disclosure
rules of every confidential-derived figure (promotions/program_dashboard.py): published with the
statements of the reviews closed in each completed quarter, a quarter under the threshold
withheld whole, small cells withheld, and nothing at all for a viewer on a panel of, or the
candidate in, one of the program's reviews. Unless a test says otherwise its reviews close in
the last completed quarter."""

from __future__ import annotations

import re

import pytest

from promotions.program_dashboard import (
    NOT_ENOUGH_REVIEWS,
    TOO_FEW_VERDICTS,
    WITHHELD_FOR_VIEWER,
)
from promotions.services import BreachError, statement_submit
from tests.factories import (
    PanelSeatFactory,
    ProgramAdminFactory,
    ProgramFactory,
    SharedStatementFactory,
    StatementFactory,
)
from tests.factories.dashboard import (
    URL,
    at,
    close,
    closed_review_holding,
    figure,
    health_of,
    in_quarter,
    latest,
    open_review,
)

pytestmark = pytest.mark.django_db

BREACH = "Carol was completely disorganized and unprofessional about how she approached her work."
BLOCKED, CAUTIONED = "Send attempts blocked", "Statements sent with a caution"


def guard_values(program, viewer) -> dict[str, int | None]:
    return {bar.label: bar.value for bar in health_of(program, viewer).guard_chart().bars}


def closed_review(program, by, *, blocked=0, cautioned=0, plain=1, ago: int | None = 0):
    """A review closed (in the quarter `ago`; None: now) with `cautioned` statements sent after
    a caution, `plain` sent without, and `blocked` refused send attempts on one of them."""
    statements = [
        (
            SharedStatementFactory,
            {
                "guard_cautions": "positive_verdict" if index < cautioned else "",
                "blocked_sends": blocked if index == 0 else 0,
            },
        )
        for index in range(cautioned + plain)
    ]
    return closed_review_holding(program, by, statements, ago=ago)


def test_verdicts_are_withheld_in_a_quarter_with_too_few_reviews(client, hana, program):
    for _ in range(4):
        closed_review(program, hana, blocked=3, cautioned=2)
    closed_review(program, hana, blocked=3, cautioned=2, ago=1)  # another quarter's
    client.force_login(hana)
    rendered = figure(client, "guard", program)
    assert NOT_ENOUGH_REVIEWS.format(k=5, period=latest(program, hana).period.label) in rendered
    assert "<table" not in rendered
    assert health_of(program, hana).guard_chart().bars == []


def test_a_published_quarter_shows_the_counts(client, hana, program):
    for _ in range(5):
        closed_review(program, hana, blocked=1, cautioned=1)
    assert guard_values(program, hana) == {BLOCKED: 5, CAUTIONED: 5}
    client.force_login(hana)
    rendered = figure(client, "guard", program)
    assert "Breach guard in reviews closed in " in rendered
    assert re.search(r"Send attempts blocked</(th|td)>\s*<td[^>]*>5</td>", rendered)


def test_small_and_zero_cells_are_withheld_alike(hana, program):
    closed_review(program, hana, blocked=5, cautioned=2)
    for _ in range(4):
        closed_review(program, hana)
    assert guard_values(program, hana) == {BLOCKED: 5, CAUTIONED: None}
    other = ProgramFactory(name="Engineering Mentoring")
    closed_review(other, hana, blocked=5)
    for _ in range(4):
        closed_review(other, hana)
    assert guard_values(other, hana) == {BLOCKED: 5, CAUTIONED: None}  # 0, not told apart


def test_nothing_blocked_reads_like_a_few_blocked(client, hana, program):
    # Before the fix no verdict at all read "The breach guard stopped or cautioned nothing",
    # two blocked attempts "withheld": a block the admin knew four reviews of told the fifth.
    other = ProgramFactory(name="Engineering Mentoring")
    for index in range(5):
        closed_review(program, hana)
        closed_review(other, hana, blocked=2 if index == 0 else 0)
    client.force_login(hana)
    nothing, few = figure(client, "guard", program), figure(client, "guard", other)
    assert TOO_FEW_VERDICTS in nothing
    assert nothing.replace(f"-{program.pk}-", "-N-") == few.replace(f"-{other.pk}-", "-N-")


def test_attempts_and_reviews_of_the_running_quarter_change_nothing(client, hana, program):
    for _ in range(5):
        closed_review(program, hana, blocked=2, cautioned=1)
    client.force_login(hana)
    before = figure(client, "guard", program)

    # A mentor in an open review is blocked...
    pair, review = open_review(program)
    statement = StatementFactory(pair=pair, review=review, text=BREACH)
    with pytest.raises(BreachError):
        statement_submit(statement_id=statement.pk, mentor=pair.mentor)
    statement.refresh_from_db()
    assert statement.blocked_sends == 1
    assert figure(client, "guard", program) == before
    # ...its review closes, and more with it: nothing moves while their quarter runs.
    close(review, hana)
    for _ in range(4):
        closed_review(program, hana, cautioned=1, ago=None)
    assert figure(client, "guard", program) == before
    assert guard_values(program, hana) == {BLOCKED: 10, CAUTIONED: 5}


def test_the_page_never_carries_the_flagged_words(client, hana, program):
    for _ in range(5):
        with at(in_quarter(0)):
            pair, review = open_review(program)
            statement = StatementFactory(pair=pair, review=review, text=BREACH)
            for _ in range(2):
                with pytest.raises(BreachError):
                    statement_submit(statement_id=statement.pk, mentor=pair.mentor)
            close(review, hana)
    assert guard_values(program, hana) == {BLOCKED: 10, CAUTIONED: None}
    client.force_login(hana)
    body = client.get(URL).content.decode()
    for word in ("disorganized", "unprofessional", "work_quality", "conduct", "positive_verdict"):
        assert word not in body


def test_a_viewer_on_a_panel_of_the_program_gets_no_guard_figure(client, hana, program):
    reviews = [closed_review(program, hana, blocked=1, cautioned=1) for _ in range(5)]
    seated = ProgramAdminFactory(username="ines")
    PanelSeatFactory(review=reviews[0], user=seated)
    other = ProgramFactory(name="Engineering Mentoring")
    for _ in range(5):
        closed_review(other, hana, blocked=1, cautioned=1)

    mine = health_of(program, seated)
    assert (mine.periods[0].guard_blocked, mine.periods[0].guard_cautioned) == (None, None)
    assert mine.guard_chart().withheld == WITHHELD_FOR_VIEWER
    assert guard_values(other, seated) == guard_values(other, hana) == {BLOCKED: 5, CAUTIONED: 5}

    client.force_login(seated)
    rendered = figure(client, "guard", program)
    assert WITHHELD_FOR_VIEWER in rendered
    assert "<table" not in rendered
