"""Issue 12, channel 6: the program dashboard's counts must not single out one pair, one review
or one person, neither in one snapshot nor by comparing two (a day or a recount apart, or two
viewers' pages). Figures derived from confidential input are published per completed quarter,
each its own population, never as a running total; a quarter under the threshold is withheld
whole and small cells are withheld (promotions/program_dashboard.py, its docstring).

Unless a test says otherwise its pairs and reviews complete in the last completed quarter, which
is what the page shows first: the helpers of tests/factories/dashboard.py run the clock back to it.

The figures cache is off in tests (settings_test), so every request counts again, as the page
does every few minutes in production.
"""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from agreements.models import Answer
from promotions.models import PromotionReview
from promotions.program_dashboard import (
    NOT_ENOUGH_REVIEWS,
    TOO_FEW_STATEMENTS,
    TOO_FEW_VERDICTS,
    WITHHELD_FOR_VIEWER,
    min_cell,
    program_health,
    suppress,
)
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
from tests.factories.dashboard import (
    URL,
    at,
    close,
    closed_review_holding,
    figure,
    health_of,
    in_force_for_a_while,
    in_quarter,
    latest,
    open_review,
    quarter_starts,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
AGREE, DISAGREE = Answer.Value.AGREE, Answer.Value.DISAGREE


@pytest.fixture
def questions(program):
    return [QuestionFactory(program=program, text=f"Topic {n}", order=n) for n in range(1, 5)]


def compared_pair(program, questions, *, differs_on=(), ago: int | None = 0):
    """A pair both of whose members submitted (in the quarter `ago`); the mentee disagrees on
    `differs_on`."""
    with at(in_quarter(ago)):
        pair = PairFactory(program=program)
        for question in questions:
            AnswerFactory(pair=pair, question=question, respondent=pair.mentor, value=AGREE)
            value = DISAGREE if question in differs_on else AGREE
            AnswerFactory(pair=pair, question=question, respondent=pair.mentee, value=value)
        for person in (pair.mentor, pair.mentee):
            QuestionnaireSubmissionFactory(
                pair=pair, respondent=person, submitted_at=timezone.now()
            )
    return pair


def values(chart) -> dict[str, int | None]:
    return {bar.label: bar.value for bar in chart.bars}


def closed_review(program, by, *, shared=1, declined=0, withdrawn=0, ago: int | None = 0):
    """A review of its own pair, closed (in the quarter `ago`) with statements in these final
    states."""
    counts = (
        (SharedStatementFactory, shared),
        (DeclinedStatementFactory, declined),
        (WithdrawnStatementFactory, withdrawn),
    )
    statements = [(factory, {}) for factory, count in counts for _ in range(count)]
    return closed_review_holding(program, by, statements, ago=ago)


# --- The questionnaire mismatch chart ----------------------------------------------------------


def test_the_issue_attack_one_more_submission_reveals_nothing(client, hana, program, questions):
    # As reproduced: three pairs compared, then one more pair submits having answered two
    # topics differently. Before the fix two topics gained a count of 1 at that moment.
    for _ in range(3):
        compared_pair(program, questions, differs_on=questions[:1])
    client.force_login(hana)
    before = figure(client, "mismatch", program)

    compared_pair(program, questions, differs_on=questions[2:], ago=None)

    after = figure(client, "mismatch", program)
    assert after == before
    assert "Withheld to protect confidentiality: fewer than 5 pairs completed" in after
    assert 'role="note"' in after
    assert latest(program, hana).mismatch_topics == []
    assert latest(program, hana).pairs_compared == 0  # not even the live count


def test_each_quarter_counts_its_own_pairs_and_small_topics_are_withheld(
    client, hana, program, questions
):
    first, second, third, fourth = questions
    for index in range(10):
        differs = ([first] if index < 5 else []) + ([second] if index < 2 else [])
        compared_pair(program, questions, differs_on=differs)
    client.force_login(hana)
    published = figure(client, "mismatch", program)
    # Topic 2 (2 pairs) is not listed, like topics 3 and 4 (no pair).
    assert values(health_of(program, hana).mismatch_chart()) == {"Topic 1": 5}
    assert "of the 10 pairs that completed the questionnaire" in published

    # Pairs completing it in the current quarter change nothing, however many and whatever
    # they answered: the quarter is published once it is over.
    for _ in range(6):
        compared_pair(program, questions, differs_on=[second, third], ago=None)
        assert figure(client, "mismatch", program) == published

    # The quarter before is its own population: nothing of it is added to the last one.
    for index in range(10):
        compared_pair(program, questions, differs_on=[fourth] if index < 5 else [], ago=1)
    assert figure(client, "mismatch", program) == published
    assert values(health_of(program, hana).mismatch_chart(1)) == {"Topic 4": 5}
    assert "of the 10 pairs that completed" in figure(client, "mismatch", program, ago=1)


def test_a_topic_all_pairs_differ_on_is_not_listed_either(hana, program, questions):
    first, second, *_ = questions
    for index in range(10):
        compared_pair(program, questions, differs_on=[first] + ([second] if index < 5 else []))
    # Topic 1: all ten differ, which says it of each of them; topic 2: five and five.
    assert latest(program, hana).mismatch_topics == [("Topic 2", 5)]


# --- Mentor statements ------------------------------------------------------------------------


def test_one_review_changing_its_statements_reveals_nothing(client, hana, program):
    for _ in range(5):
        closed_review(program, hana, shared=2, declined=1)
    client.force_login(hana)
    before = figure(client, "statements", program)
    assert values(health_of(program, hana).statements_chart())["Shared"] == 10

    # One open review: a mentor writes a draft, sends one, the mentee declines it...
    pair, review = open_review(program)
    StatementFactory(pair=pair, review=review)
    assert figure(client, "statements", program) == before
    DeclinedStatementFactory(pair=pair, review=review, kind="engagement")
    assert figure(client, "statements", program) == before
    # ...and the review closes: still nothing, in this quarter...
    close(review, hana)
    assert figure(client, "statements", program) == before
    # ...however many reviews close with it, until the quarter is over.
    for _ in range(5):
        closed_review(program, hana, shared=2, declined=1, ago=None)
    assert figure(client, "statements", program) == before


def test_a_quarter_with_fewer_reviews_than_the_threshold_is_withheld_whole(client, hana, program):
    for _ in range(4):
        closed_review(program, hana, shared=3)
    # A review closed in the quarter before does not make up the number: each is its own.
    closed_review(program, hana, shared=3, ago=1)
    client.force_login(hana)
    rendered = figure(client, "statements", program)
    label = latest(program, hana).period.label
    assert NOT_ENOUGH_REVIEWS.format(k=5, period=label) in rendered
    assert "<table" not in rendered
    assert latest(program, hana).statements_by_state == {}
    assert latest(program, hana).reviews_counted == 0  # nor how many there were
    assert all(not figures.statements_by_state for figures in health_of(program, hana).periods)


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
        for index, (my, their) in enumerate(zip(mine.periods, theirs.periods, strict=True)):
            if my.statements_by_state:
                assert my.statements_by_state == their.statements_by_state
            else:
                assert mine.statements_chart(index).withheld in (
                    WITHHELD_FOR_VIEWER,
                    theirs.statements_chart(index).withheld,
                )
            assert my.mismatch_topics == their.mismatch_topics
    assert health_of(program, seated).statements_chart().withheld == WITHHELD_FOR_VIEWER
    assert latest(other_program, seated).statements_by_state["shared"] == 10

    client.force_login(seated)
    rendered = figure(client, "statements", program)
    assert WITHHELD_FOR_VIEWER in rendered
    assert "<table" not in rendered
    assert "<svg" not in rendered


# --- Two releases compared (the attack review) -------------------------------------------------


def charts(client, viewer, slug: str, program, when: datetime.datetime | None) -> list[str]:
    """Every `slug` chart of the program on the page as `viewer` reads it at `when`."""
    with at(when):
        client.force_login(viewer)
        body = client.get(URL).content.decode()
    pattern = rf'<figure [^>]*aria-labelledby="{slug}-{program.pk}(?:-[\w-]+)?-caption".*?</figure>'
    return re.findall(pattern, body, re.S)


def shown(rendered: str) -> dict[str, str]:
    """A chart's table: label -> the count as shown ("withheld" included)."""
    rows = re.findall(r'<th scope="row"[^>]*>(.*?)</th><td[^>]*>(.*?)</td>', rendered)
    return dict(rows)


def test_an_unchanged_cell_never_tells_what_the_newly_counted_reviews_held(client, hana, program):
    # As reproduced: five reviews with declines, guard blocks and cautions are published; five
    # more close, the last the admin's target, none with a decline, a block or a caution. With
    # running totals the next release still read "Declined 10" and the same guard counts: the
    # five new reviews, which the admin knew, had none. Now each quarter is its own figure, so
    # the new reviews show up only as a quarter of their own, where those zeros are withheld.
    starts = quarter_starts()
    with at(starts[2] + timedelta(days=40)):  # the quarter before the last
        for index in range(5):
            review = closed_review(program, hana, shared=1, declined=2, withdrawn=1, ago=None)
            pair = review.statements.first().pair
            SharedStatementFactory(
                pair=pair, review=review, blocked_sends=2, guard_cautions="positive_verdict"
            )
            if index < 3:
                StatementFactory(pair=pair, review=review)
    first_release = starts[1] + timedelta(days=1)
    before = {
        slug: charts(client, hana, slug, program, first_release) for slug in ("statements", "guard")
    }
    published = [
        chart for slug in before for chart in before[slug] if "<table" in chart
    ]  # the quarter of the first five, with its tables
    assert len(published) == 2
    assert shown(published[0])["Declined"] == "10"

    with at(starts[1] + timedelta(days=40)):  # the last quarter: four reviews and the target
        for _ in range(5):
            closed_review(program, hana, shared=2, withdrawn=1, ago=None)
        # While the quarter runs, its reviews change nothing on the page.
    for slug in ("statements", "guard"):
        assert charts(client, hana, slug, program, starts[1] + timedelta(days=60)) == before[slug]

    after = {slug: charts(client, hana, slug, program, None) for slug in ("statements", "guard")}
    # The first release is still on the page, unchanged: its figures were final...
    for chart in published:
        assert chart in after["statements"] + after["guard"]
    # ...and the new reviews are a figure of their own, never added to it: their zeros are
    # withheld like any small count.
    new = [chart for chart in after["statements"] if chart not in before["statements"]]
    assert len(new) == 1  # the last quarter's (the oldest quarter shown before dropped off)
    assert shown(new[0])["Shared"] == "10"  # the five new reviews' two each, nothing else
    assert shown(new[0])["Declined"] == "withheld"
    new_guard = [chart for chart in after["guard"] if chart not in before["guard"]]
    assert len(new_guard) == 1
    assert TOO_FEW_VERDICTS in new_guard[0]  # no block, no caution: withheld like a few


def test_an_unchanged_topic_never_tells_what_the_newly_counted_pairs_answered(
    client, hana, program, questions
):
    # As reproduced: ten pairs published with topic 1 at 5; five more pairs complete the
    # questionnaire agreeing on everything, and the next release still read topic 1: 5, which
    # said none of the five new pairs differed on it.
    starts = quarter_starts()
    with at(starts[2] + timedelta(days=40)):
        for index in range(10):
            compared_pair(
                program, questions, differs_on=questions[:1] if index < 5 else (), ago=None
            )
    before = charts(client, hana, "mismatch", program, starts[1] + timedelta(days=1))
    published = [chart for chart in before if "Topic 1" in chart]
    assert len(published) == 1

    with at(starts[1] + timedelta(days=40)):
        for _ in range(5):
            compared_pair(program, questions, ago=None)
    assert charts(client, hana, "mismatch", program, starts[1] + timedelta(days=60)) == before

    after = charts(client, hana, "mismatch", program, None)
    assert published[0] in after  # the first release, unchanged
    new = [chart for chart in after if chart not in before and "of the 5 pairs" in chart]
    assert len(new) == 1  # the five new pairs: a population of their own
    assert "Topic 1" not in new[0]  # none differs: not listed, as when a few do
    assert sum("Topic 1" in chart for chart in after) == 1


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
    with at(in_quarter(0)):
        pair, target = open_review(program)
        if target_input == "draft":
            StatementFactory(pair=pair, review=target)
        elif target_input == "blocked sends":
            StatementFactory(pair=pair, review=target, blocked_sends=2)
        no_mentor = [PromotionReviewFactory(program=program, opened_by=hana) for _ in range(2)]
        elsewhere = PairFactory()  # the candidate's mentor is in another program
        elsewhere_review = PromotionReviewFactory(program=program, candidate=elsewhere.mentee)
        in_force_for_a_while(elsewhere, elsewhere_review)
        # A real pair with an agreement in force, but the review closes before a mentor could
        # act.
        quick = PairFactory(program=program)
        ActiveAgreementFactory(pair=quick, activated_at=timezone.now() - timedelta(days=30))
        quick_review = PromotionReviewFactory(program=program, candidate=quick.mentee)
        # Closed together, one after the other (as the admin's "close" action does).
        for review in (target, *no_mentor, elsewhere_review, quick_review):
            close(review, hana)
    assert PromotionReview.objects.filter(status=PromotionReview.Status.CLOSED).count() == 5

    figures = latest(program, hana)
    assert figures.reviews_counted == 0
    assert figures.statements_by_state == {}
    client.force_login(hana)
    for slug in ("statements", "guard"):
        rendered = figure(client, slug, program)
        assert NOT_ENOUGH_REVIEWS.format(k=5, period=figures.period.label) in rendered
        assert "<table" not in rendered


def test_a_review_counts_once_its_mentor_had_a_week_with_the_agreement_in_force(hana, program):
    for _ in range(4):
        closed_review(program, hana)
    with at(in_quarter(0)):
        pair, review = open_review(program)
        # Signed three days before the review closed: not long enough for it to count.
        pair.agreements.update(activated_at=timezone.now() - timedelta(days=3))
        close(review, hana)
    assert latest(program, hana).reviews_counted == 0
    with at(in_quarter(0)):
        # Ended three days after the review opened: not long enough either.
        pair, review = open_review(program)
        pair.agreements.update(closed_at=review.created_at + timedelta(days=3), status="ended")
        close(review, hana)
    assert latest(program, hana).reviews_counted == 0
    with at(in_quarter(0)):
        # A week of the review open with the agreement in force, since ended: counted.
        pair, review = open_review(program)
        pair.agreements.update(closed_at=review.created_at + timedelta(days=7), status="ended")
        close(review, hana)
    assert latest(program, hana).reviews_counted == 5


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
    assert values(health_of(program, hana).statements_chart())["Declined"] is None
    assert values(health_of(other, hana).statements_chart())["Declined"] is None
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
        assert latest(program, hana).pairs_compared == 5
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


def test_the_threshold_sets_both_the_smallest_quarter_and_the_smallest_cell(
    settings, client, hana, program, questions
):
    settings.DISCLOSURE_MIN_CELL = 3
    first, second, *_ = questions
    for index in range(7):
        differs = ([first] if index < 3 else []) + ([second] if index < 2 else [])
        compared_pair(program, questions, differs_on=differs)
    for _ in range(2):
        compared_pair(program, questions, differs_on=[first], ago=1)
    figures = latest(program, hana)
    assert figures.pairs_compared == 7
    assert figures.mismatch_topics == [("Topic 1", 3)]  # topic 2: two pairs, not listed
    assert health_of(program, hana).periods[1].pairs_compared == 0  # two pairs: withheld whole
    client.force_login(hana)
    assert "at least 3 pairs differ" in figure(client, "mismatch", program)
    assert "fewer than 3 pairs completed" in figure(client, "mismatch", program, ago=1)


@pytest.mark.parametrize("threshold", [0, -5, "5"])
def test_a_threshold_below_one_is_refused(settings, threshold):
    settings.DISCLOSURE_MIN_CELL = threshold
    with pytest.raises(ImproperlyConfigured, match="DISCLOSURE_MIN_CELL"):
        min_cell()


def test_complementary_suppression_keeps_one_withheld_cell_from_being_subtracted():
    counts = {"shared": 10, "declined": 6, "withdrawn": 1, "draft": 0}
    # A split of a known total: withdrawn and draft (1 and 0) alone would be 17 - 10 - 6.
    assert suppress(counts, 5, split=True) == {
        "shared": 10,
        "declined": None,
        "withdrawn": None,
        "draft": None,
    }
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
    chart = health_of(program, hana).statements_chart()
    assert values(chart) == {
        "Draft": None,
        "Awaiting consent": None,
        "Shared": 10,
        "Declined": None,
        "Withdrawn": None,
    }
    client.force_login(hana)
    rendered = figure(client, "statements", program)
    assert re.search(r'<td class="text-end cell-withheld">withheld</td>', rendered)
    assert 'role="note">Counts marked “withheld” are kept back' in rendered


def test_too_few_statements_withhold_the_whole_chart(client, hana, program):
    for index in range(5):
        closed_review(program, hana, shared=1 if index < 3 else 0)
    assert health_of(program, hana).statements_chart().withheld == TOO_FEW_STATEMENTS
    client.force_login(hana)
    assert TOO_FEW_STATEMENTS in figure(client, "statements", program)
