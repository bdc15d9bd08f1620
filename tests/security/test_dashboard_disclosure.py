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
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from agreements.models import Answer
from mentorship.program_dashboard import (
    NOT_ENOUGH_REVIEWS,
    TOO_FEW_STATEMENTS,
    TOO_FEW_VERDICTS,
    WITHHELD_FOR_VIEWER,
    min_cell,
    program_health,
    suppress,
)
from promotions.models import PromotionReview
from promotions.services import review_change_status
from tests.factories import (
    ActiveAgreementFactory,
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


def in_force_for_a_while(pair, review):
    """The pair's agreement was signed, and the review opened, a month ago: a mentor could
    have given input in the review (program_dashboard.input_was_possible)."""
    month_ago = timezone.now() - timedelta(days=30)
    ActiveAgreementFactory(pair=pair, activated_at=month_ago)
    PromotionReview.objects.filter(pk=review.pk).update(created_at=month_ago)


def open_review(program):
    """An open review of its own pair, in which the mentor could give input."""
    pair = PairFactory(program=program)
    review = PromotionReviewFactory(program=program, candidate=pair.mentee)
    in_force_for_a_while(pair, review)
    review.refresh_from_db()
    return pair, review


def closed_review(program, by, *, shared=1, declined=0, withdrawn=0):
    """A review of its own pair, closed with statements in these final states."""
    pair, review = open_review(program)
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
    for index in range(10):
        differs = ([first] if index < 5 else []) + ([second] if index < 2 else [])
        compared_pair(program, questions, differs_on=differs)
    client.force_login(hana)
    released = figure(client, "mismatch", program)
    # Topic 2 (2 pairs) is not listed, like topics 3 and 4 (no pair).
    assert values(health(program, hana).mismatch_chart()) == {"Topic 1": 5}
    assert "first 10 pairs" in released

    # Pairs 11 to 14 change nothing, whatever they answered: no snapshot pins them.
    for _ in range(4):
        compared_pair(program, questions, differs_on=[second, third])
        assert figure(client, "mismatch", program) == released

    # The 15th completes a block: the change is the sum of five pairs.
    compared_pair(program, questions, differs_on=[second, third, fourth])
    chart = health(program, hana).mismatch_chart()
    assert values(chart) == {"Topic 2": 7, "Topic 1": 5, "Topic 3": 5}
    assert "first 15 pairs" in figure(client, "mismatch", program)


def test_a_topic_all_pairs_differ_on_is_not_listed_either(hana, program, questions):
    first, second, *_ = questions
    for index in range(10):
        compared_pair(program, questions, differs_on=[first] + ([second] if index < 5 else []))
    # Topic 1: all ten differ, which says it of each of them; topic 2: five and five.
    assert health(program, hana).mismatch_topics == [("Topic 2", 5)]


# --- Mentor statements ------------------------------------------------------------------------


def test_one_review_changing_its_statements_reveals_nothing(client, hana, program):
    for _ in range(5):
        closed_review(program, hana, shared=2, declined=1)
    client.force_login(hana)
    before = figure(client, "statements", program)
    assert values(health(program, hana).statements_chart())["Shared"] == 10

    # One open review: a mentor writes a draft, sends one, the mentee declines it...
    pair, review = open_review(program)
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
    assert after["Draft"] is None  # 1: withheld, like the zeros...
    assert after["Declined"] is None  # ...and 10 too, or draft would be the total - 18 - 10


def test_statements_are_withheld_until_a_block_of_reviews_has_closed(client, hana, program):
    for _ in range(4):
        closed_review(program, hana, shared=3)
    client.force_login(hana)
    rendered = figure(client, "statements", program)
    assert NOT_ENOUGH_REVIEWS.format(k=5) in rendered
    assert "<table" not in rendered
    assert health(program, hana).statements_by_state == {}


def test_two_viewers_pages_never_differ_by_one_review(client, hana, program):
    reviews = [closed_review(program, hana, shared=2, declined=1) for _ in range(5)]
    seated = ProgramAdminFactory(username="ines")
    PanelSeatFactory(review=reviews[0], user=seated)
    other_program = ProgramFactory(name="Engineering Mentoring")
    for _ in range(5):
        closed_review(other_program, hana, shared=2, declined=1)

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
    assert health(other_program, seated).statements_by_state["shared"] == 10

    client.force_login(seated)
    rendered = figure(client, "statements", program)
    assert WITHHELD_FOR_VIEWER in rendered
    assert "<table" not in rendered
    assert "<svg" not in rendered


# --- Blocks an admin fills with zeros she knows (the reviewer's attack) -----------------------


def same_page(first: str, second: str, programs) -> bool:
    """Two renderings of one chart of two programs, equal but for the program ids."""
    for program in programs:
        first, second = (text.replace(f"-{program.pk}-", "-N-") for text in (first, second))
    return first == second


@pytest.mark.parametrize("target_input", ["none", "draft", "blocked sends"])
def test_reviews_no_mentor_could_write_in_do_not_fill_a_block(client, hana, program, target_input):
    # As reproduced: the admin closes a target review together with four reviews she opened
    # herself, of people who had no agreement in force in the program (no mentor in it, a
    # mentor in another program, or a review opened and closed at once), so they hold no
    # statement. Before the fix the five made a block and the chart told whether the target
    # had any input ("No mentor statements..." against "Withheld...").
    pair, target = open_review(program)
    if target_input == "draft":
        StatementFactory(pair=pair, review=target)
    elif target_input == "blocked sends":
        StatementFactory(pair=pair, review=target, blocked_sends=2)
    no_mentor = [PromotionReviewFactory(program=program, opened_by=hana) for _ in range(2)]
    elsewhere = PairFactory()  # the candidate's mentor is in another program
    ActiveAgreementFactory(pair=elsewhere, activated_at=timezone.now() - timedelta(days=30))
    elsewhere_review = PromotionReviewFactory(program=program, candidate=elsewhere.mentee)
    PromotionReview.objects.filter(pk=elsewhere_review.pk).update(
        created_at=timezone.now() - timedelta(days=30)
    )
    # A real pair with an agreement in force, but the review closes before a mentor could act.
    quick = PairFactory(program=program)
    ActiveAgreementFactory(pair=quick, activated_at=timezone.now() - timedelta(days=30))
    quick_review = PromotionReviewFactory(program=program, candidate=quick.mentee)
    # Closed together, one after the other (as the admin's "close" action does).
    for review in (target, *no_mentor, elsewhere_review, quick_review):
        close(review, hana)
    assert PromotionReview.objects.filter(status=PromotionReview.Status.CLOSED).count() == 5

    figures = health(program, hana)
    assert figures.reviews_counted == 0
    assert figures.statements_by_state == {}
    client.force_login(hana)
    for slug in ("statements", "guard"):
        rendered = figure(client, slug, program)
        assert NOT_ENOUGH_REVIEWS.format(k=5) in rendered
        assert "<table" not in rendered


def test_a_review_counts_once_its_mentor_had_a_week_with_the_agreement_in_force(hana, program):
    for _ in range(4):
        closed_review(program, hana)
    pair, review = open_review(program)
    # Signed three days before the review closed: not long enough for it to count.
    pair.agreements.update(activated_at=timezone.now() - timedelta(days=3))
    close(review, hana)
    assert health(program, hana).reviews_counted == 0
    # Ended three days after the review opened: not long enough either.
    pair, review = open_review(program)
    pair.agreements.update(closed_at=review.created_at + timedelta(days=3), status="ended")
    close(review, hana)
    assert health(program, hana).reviews_counted == 0
    # A week of the review open with the agreement in force, since ended: counted.
    pair, review = open_review(program)
    pair.agreements.update(closed_at=review.created_at + timedelta(days=7), status="ended")
    close(review, hana)
    assert health(program, hana).reviews_counted == 5


def test_no_statements_read_like_a_few(client, hana, program):
    # Five reviews without a single statement, and five with four between them: both charts
    # say the same words. Before the fix the first read "No mentor statements in the closed
    # reviews counted", the second "Withheld".
    other = ProgramFactory(name="Engineering Mentoring")
    for index in range(5):
        closed_review(program, hana, shared=0)
        closed_review(other, hana, shared=1 if index < 4 else 0)
    client.force_login(hana)
    for slug in ("statements", "guard"):
        none, few = figure(client, slug, program), figure(client, slug, other)
        assert same_page(none, few, (program, other)), slug
        assert {"statements": TOO_FEW_STATEMENTS, "guard": TOO_FEW_VERDICTS}[slug] in none


def test_a_zero_cell_reads_like_a_small_one(client, hana, program):
    # Declined: 0 in one program, 3 in the other, the rest alike. "Declined 0" would say of
    # each of the five reviews that no mentor's input in it was declined.
    other = ProgramFactory(name="Engineering Mentoring")
    for index in range(5):
        closed_review(program, hana, shared=2, withdrawn=1)
        closed_review(other, hana, shared=2, withdrawn=1, declined=1 if index < 3 else 0)
    assert values(health(program, hana).statements_chart())["Declined"] is None
    assert values(health(other, hana).statements_chart())["Declined"] is None
    client.force_login(hana)
    assert same_page(
        figure(client, "statements", program), figure(client, "statements", other), (program, other)
    )


def test_a_topic_asked_after_pairs_submitted_tells_nothing_of_the_next_pair(client, hana):
    # Four pairs submit; the admin then adds a topic, which they never answered (a known
    # "no difference"); a fifth pair completes the block. Before the fix the new topic read
    # "withheld" if the fifth pair differed on it and was absent if not.
    programs = []
    for differs in (False, True):
        program = ProgramFactory()
        topics = [QuestionFactory(program=program, text=f"Topic {n}", order=n) for n in (1, 2)]
        for _ in range(4):
            compared_pair(program, topics)
        late = QuestionFactory(program=program, text="Topic 5", order=5)
        compared_pair(program, [*topics, late], differs_on=[late] if differs else [])
        assert health(program, hana).pairs_compared == 5
        programs.append(program)
    client.force_login(hana)
    agrees, differs = (figure(client, "mismatch", program) for program in programs)
    assert "Topic 5" not in differs
    assert same_page(agrees, differs, programs)


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
    for index in range(7):
        differs = ([first] if index < 3 else []) + ([second] if index < 2 else [])
        compared_pair(program, questions, differs_on=differs)
    figures = health(program, hana)
    assert figures.pairs_compared == 6  # two blocks of three; the seventh pair waits
    assert figures.mismatch_topics == [("Topic 1", 3)]  # topic 2: two pairs, not listed
    client.force_login(hana)
    assert "in groups of 3 pairs" in figure(client, "mismatch", program)


@pytest.mark.parametrize("threshold", [0, -5, "5"])
def test_a_threshold_below_one_is_refused(settings, threshold):
    settings.DISCLOSURE_MIN_CELL = threshold
    with pytest.raises(ImproperlyConfigured, match="DISCLOSURE_MIN_CELL"):
        min_cell()


def test_complementary_suppression_keeps_one_withheld_cell_from_being_subtracted():
    counts = {"shared": 10, "declined": 6, "withdrawn": 1, "draft": 0}
    # A split of a known total: withdrawn and draft (1 and 0) alone would be 17 - 10 - 6.
    assert suppress(counts, 5, split=True) == {
        "shared": 10, "declined": None, "withdrawn": None, "draft": None,
    }  # fmt: skip
    # Two small cells are not enough when their sum is itself small (1 + 1 = 17 - 15), and
    # with every cell withheld nothing is left to show.
    assert suppress({"shared": 15, "declined": 1, "withdrawn": 1}, 5, split=True) is None
    # Nothing else to withhold: the whole table goes.
    assert suppress({"shared": 3, "declined": 0}, 5, split=True) is None
    # Cells that split no total (topics: a pair can differ on several) need no complement.
    assert suppress({"a": 10, "b": 6, "c": 1}, 5, split=False) == {"a": 10, "b": 6, "c": None}
    # Nothing small, nothing withheld.
    assert suppress({"a": 10, "b": 7}, 5, split=True) == {"a": 10, "b": 7}
    # A zero is withheld like a small cell, and needs its complement like one.
    assert suppress({"a": 10, "b": 0}, 5, split=True) is None
    assert suppress({"a": 10, "b": 0}, 5, split=False) == {"a": 10, "b": None}
    assert suppress({"a": 0, "b": 0}, 5, split=False) is None
    # A threshold of 1 withholds nothing, zeros included: there is no small count.
    assert suppress({"a": 10, "b": 0}, 1, split=True) == {"a": 10, "b": 0}


def test_the_statement_chart_withholds_a_complement(client, hana, program):
    closed_review(program, hana, shared=2, declined=2, withdrawn=1)
    for _ in range(4):
        closed_review(program, hana, shared=2, declined=1)
    chart = health(program, hana).statements_chart()
    assert values(chart) == {
        "Draft": None, "Awaiting consent": None, "Shared": 10, "Declined": None, "Withdrawn": None,
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
