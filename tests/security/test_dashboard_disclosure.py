"""Issue 12, channel 6: the program dashboard's counts must not single out one pair, one review
or one person, neither in one snapshot nor by comparing two (a day or a recount apart, or two
viewers' pages). Figures derived from confidential input are released in whole blocks of the
threshold and their small cells are withheld (mentorship/program_dashboard.py, its docstring).

The figures cache is off in tests (settings_test), so every request counts again, as the page
does every few minutes in production.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from agreements.models import Answer
from mentorship.program_dashboard import (
    TOO_FEW_STATEMENTS,
    WITHHELD_FOR_VIEWER,
    min_cell,
    program_health,
    suppress,
)
from promotions.models import PromotionReview
from promotions.services import review_change_status
from tests.factories import (
    AnswerFactory,
    DeclinedStatementFactory,
    PairFactory,
    PanelSeatFactory,
    ProgramAdminFactory,
    ProgramFactory,
    PromotionReviewFactory,
    QuestionFactory,
    QuestionnaireSubmissionFactory,
    SharedStatementFactory,
    StatementFactory,
    WithdrawnStatementFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("mentorship:program_dashboard")
ROOT = Path(__file__).resolve().parents[2]
AGREE, DISAGREE = Answer.Value.AGREE, Answer.Value.DISAGREE


@pytest.fixture
def hana():
    return ProgramAdminFactory(username="hana")


@pytest.fixture
def program():
    return ProgramFactory(name="Leadership Mentoring")


@pytest.fixture
def questions(program):
    return [QuestionFactory(program=program, text=f"Topic {n}", order=n) for n in range(1, 5)]


def compared_pair(program, questions, *, differs_on=()):
    """A pair both of whose members submitted; the mentee disagrees on `differs_on`."""
    pair = PairFactory(program=program)
    for question in questions:
        AnswerFactory(pair=pair, question=question, respondent=pair.mentor, value=AGREE)
        value = DISAGREE if question in differs_on else AGREE
        AnswerFactory(pair=pair, question=question, respondent=pair.mentee, value=value)
    for person in (pair.mentor, pair.mentee):
        QuestionnaireSubmissionFactory(pair=pair, respondent=person)
    return pair


def health(program, viewer):
    return next(p for p in program_health(viewer=viewer).programs if p.program_id == program.pk)


def figure(client, slug: str, program) -> str:
    """The chart as the page renders it (SVG, table and notes)."""
    body = client.get(URL).content.decode()
    match = re.search(rf'<figure [^>]*aria-labelledby="{slug}-{program.pk}-caption".*?</figure>',
                      body, re.S)  # fmt: skip
    assert match, f"no {slug} chart for {program}"
    return match.group(0)


def values(chart) -> dict[str, int | None]:
    return {bar.label: bar.value for bar in chart.bars}


def close(review, by):
    review_change_status(review_id=review.pk, status=PromotionReview.Status.CLOSED, by=by)


def closed_review(program, by, *, shared=1, declined=0, withdrawn=0):
    """A review of its own pair, closed with statements in these final states."""
    pair = PairFactory(program=program)
    review = PromotionReviewFactory(program=program, candidate=pair.mentee)
    for factory, count in (
        (SharedStatementFactory, shared),
        (DeclinedStatementFactory, declined),
        (WithdrawnStatementFactory, withdrawn),
    ):
        for _ in range(count):
            factory(pair=pair, review=review)
    close(review, by)
    return review


# --- The questionnaire mismatch chart ----------------------------------------------------------


def test_the_issue_attack_one_more_submission_reveals_nothing(client, hana, program, questions):
    # As reproduced: three pairs compared, then one more pair submits having answered two
    # topics differently. Before the fix two topics gained a count of 1 at that moment.
    for _ in range(3):
        compared_pair(program, questions, differs_on=questions[:1])
    client.force_login(hana)
    before = figure(client, "mismatch", program)

    compared_pair(program, questions, differs_on=questions[2:])

    after = figure(client, "mismatch", program)
    assert after == before
    assert "Withheld to protect confidentiality until at least 5 pairs" in after
    assert 'role="note"' in after
    assert health(program, hana).mismatch_topics == []
    assert health(program, hana).pairs_compared == 0  # not even the live count


def test_pairs_are_released_in_whole_blocks_and_small_topics_are_withheld(
    client, hana, program, questions
):
    first, second, third, fourth = questions
    for index in range(5):
        compared_pair(program, questions, differs_on=[first, second] if index < 2 else [first])
    client.force_login(hana)
    released = figure(client, "mismatch", program)
    chart = health(program, hana).mismatch_chart()
    assert values(chart) == {"Topic 1": 5, "Topic 2": None}  # 2 pairs: withheld
    assert "withheld" in released
    assert "first 5 pairs" in released

    # Pairs 6 to 9 change nothing, whatever they answered: no snapshot pins them.
    for _ in range(4):
        compared_pair(program, questions, differs_on=[second, third])
        assert figure(client, "mismatch", program) == released

    # The 10th completes a block: the change is the sum of five pairs.
    compared_pair(program, questions, differs_on=[second, third, fourth])
    chart = health(program, hana).mismatch_chart()
    assert values(chart) == {"Topic 2": 7, "Topic 1": 5, "Topic 3": 5, "Topic 4": None}
    assert "first 10 pairs" in figure(client, "mismatch", program)


def test_withheld_topics_keep_question_order_not_size(hana, program, questions):
    first, second, third, _ = questions
    for index in range(5):
        differs = [first] + ([second] if index < 1 else []) + ([third] if index < 4 else [])
        compared_pair(program, questions, differs_on=differs)
    # Topic 3 (4 pairs) and topic 2 (1 pair): sorted by size, the order would rank them.
    assert health(program, hana).mismatch_topics == [
        ("Topic 1", 5),
        ("Topic 2", None),
        ("Topic 3", None),
    ]


# --- Mentor statements ------------------------------------------------------------------------


def test_one_review_changing_its_statements_reveals_nothing(client, hana, program):
    for _ in range(5):
        closed_review(program, hana, shared=2)
    client.force_login(hana)
    before = figure(client, "statements", program)
    assert values(health(program, hana).statements_chart())["Shared"] == 10

    # One open review: a mentor writes a draft, sends one, the mentee declines it...
    pair = PairFactory(program=program)
    review = PromotionReviewFactory(program=program, candidate=pair.mentee)
    StatementFactory(pair=pair, review=review)
    assert figure(client, "statements", program) == before
    DeclinedStatementFactory(pair=pair, review=review, kind="engagement")
    assert figure(client, "statements", program) == before
    # ...and the review closes: still one review, still nothing.
    close(review, hana)
    assert figure(client, "statements", program) == before

    # Four more closed reviews complete a block of five: the change is the sum of five.
    for _ in range(4):
        closed_review(program, hana, shared=2, declined=1)
    after = values(health(program, hana).statements_chart())
    assert after["Shared"] == 18
    assert after["Draft"] is None  # 1: withheld...
    assert after["Declined"] is None  # ...and 5 too, or draft would be the total - 18 - 5


def test_statements_are_withheld_until_a_block_of_reviews_has_closed(client, hana, program):
    for _ in range(4):
        closed_review(program, hana, shared=3)
    client.force_login(hana)
    rendered = figure(client, "statements", program)
    assert "Withheld to protect confidentiality until at least 5 reviews have closed." in rendered
    assert "<table" not in rendered
    assert health(program, hana).statements_by_state == {}


def test_two_viewers_pages_never_differ_by_one_review(client, hana, program):
    reviews = [closed_review(program, hana, shared=2, declined=1) for _ in range(5)]
    seated = ProgramAdminFactory(username="ines")
    PanelSeatFactory(review=reviews[0], user=seated)
    other_program = ProgramFactory(name="Engineering Mentoring")
    for _ in range(5):
        closed_review(other_program, hana, shared=1)

    colleague_view = program_health(viewer=hana)
    seated_view = program_health(viewer=seated)

    for mine, theirs in zip(seated_view.programs, colleague_view.programs, strict=True):
        # Either exactly the colleague's statement figures, or none at all: never the
        # colleague's minus the seated review's statements.
        if mine.statements_by_state:
            assert mine.statements_by_state == theirs.statements_by_state
        else:
            assert mine.statements_withheld == WITHHELD_FOR_VIEWER
        assert mine.mismatch_topics == theirs.mismatch_topics
    assert health(program, seated).statements_withheld == WITHHELD_FOR_VIEWER
    assert health(other_program, seated).statements_by_state["shared"] == 5

    client.force_login(seated)
    rendered = figure(client, "statements", program)
    assert WITHHELD_FOR_VIEWER in rendered
    assert "<table" not in rendered
    assert "<svg" not in rendered


# --- The threshold and complementary suppression ---------------------------------------------


def run_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-c", "import mentorship.settings as s; print(s.DISCLOSURE_MIN_CELL)"],
        cwd=ROOT,
        env={**clean, "DJANGO_DEBUG": "1", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_threshold_comes_from_the_environment_and_defaults_to_five():
    assert run_settings({}).stdout.strip() == "5"
    assert run_settings({"DJANGO_DISCLOSURE_MIN_CELL": "8"}).stdout.strip() == "8"
    refused = run_settings({"DJANGO_DISCLOSURE_MIN_CELL": "five"})
    assert refused.returncode != 0
    assert "DJANGO_DISCLOSURE_MIN_CELL" in refused.stderr


def test_the_threshold_sets_both_the_block_and_the_smallest_cell(
    settings, client, hana, program, questions
):
    settings.DISCLOSURE_MIN_CELL = 3
    first, second, *_ = questions
    for index in range(4):
        compared_pair(program, questions, differs_on=[first] + ([second] if index < 2 else []))
    figures = health(program, hana)
    assert figures.pairs_compared == 3  # one block of three; the fourth pair waits
    assert figures.mismatch_topics == [("Topic 1", 3), ("Topic 2", None)]
    client.force_login(hana)
    assert "in groups of 3 pairs" in figure(client, "mismatch", program)


@pytest.mark.parametrize("threshold", [0, -5, "5"])
def test_a_threshold_below_one_is_refused(settings, threshold):
    settings.DISCLOSURE_MIN_CELL = threshold
    with pytest.raises(ImproperlyConfigured, match="DISCLOSURE_MIN_CELL"):
        min_cell()


def test_complementary_suppression_keeps_one_withheld_cell_from_being_subtracted():
    counts = {"shared": 10, "declined": 6, "withdrawn": 1, "draft": 0}
    # A split of a known total: withdrawn (1) alone would be 17 - 10 - 6 - 0.
    assert suppress(counts, 5, split=True) == {
        "shared": 10, "declined": None, "withdrawn": None, "draft": 0,
    }  # fmt: skip
    # Two small cells are not enough when their sum is itself small (1 + 1 = 17 - 15).
    assert suppress({"shared": 15, "declined": 1, "withdrawn": 1}, 5, split=True) == {
        "shared": None, "declined": None, "withdrawn": None,
    }  # fmt: skip
    # Nothing else to withhold: the whole table goes.
    assert suppress({"shared": 3, "declined": 0}, 5, split=True) is None
    # Cells that split no total (topics: a pair can differ on several) need no complement.
    assert suppress({"a": 10, "b": 6, "c": 1}, 5, split=False) == {"a": 10, "b": 6, "c": None}
    # Nothing small, nothing withheld.
    assert suppress({"a": 10, "b": 0}, 5, split=True) == {"a": 10, "b": 0}


def test_the_statement_chart_withholds_a_complement(client, hana, program):
    closed_review(program, hana, shared=2, declined=2, withdrawn=1)
    for _ in range(4):
        closed_review(program, hana, shared=2, declined=1)
    chart = health(program, hana).statements_chart()
    assert values(chart) == {
        "Draft": 0, "Awaiting consent": 0, "Shared": 10, "Declined": None, "Withdrawn": None,
    }  # fmt: skip
    client.force_login(hana)
    rendered = figure(client, "statements", program)
    assert re.search(r'<td class="text-end cell-withheld">withheld</td>', rendered)
    assert 'role="note">Counts marked “withheld” are kept back' in rendered


def test_too_few_statements_withhold_the_whole_chart(client, hana, program):
    for index in range(5):
        closed_review(program, hana, shared=1 if index < 3 else 0)
    assert health(program, hana).statements_chart().withheld == TOO_FEW_STATEMENTS
    client.force_login(hana)
    assert TOO_FEW_STATEMENTS in figure(client, "statements", program)
