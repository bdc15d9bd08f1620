"""The program dashboard: program admins see their programs' health in counts; nobody else
sees the page; nothing confidential and nothing unshared reaches a panel member through it."""

from __future__ import annotations

import datetime
import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import Answer, QuestionnaireSubmission
from mentorship.models import Pair
from promotions.models import Statement
from promotions.program_dashboard import WITHHELD_FOR_VIEWER, planned_meetings, program_health
from tests.factories import (
    ActiveAgreementFactory,
    AnswerFactory,
    AwaitingConsentStatementFactory,
    DeclinedStatementFactory,
    MeetingFactory,
    PairFactory,
    PanelSeatFactory,
    ProgramAdminFactory,
    ProgramFactory,
    PromotionReviewFactory,
    QuestionFactory,
    QuestionnaireSubmissionFactory,
    SharedStatementFactory,
    StatementFactory,
    UserFactory,
)
from tests.factories.dashboard import URL, at, close, health_of, in_force_for_a_while, in_quarter

pytestmark = pytest.mark.django_db

NOTE = "Only my mentee knows this secret note."
COMMENT = "A private comment about our confidentiality."
DECLINE = "I would rather speak for myself, privately."


def started(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def answered(pair, question, mentor_value: str, mentee_value: str, *, submit: bool = True):
    AnswerFactory(pair=pair, question=question, respondent=pair.mentor, value=mentor_value)
    AnswerFactory(
        pair=pair, question=question, respondent=pair.mentee, value=mentee_value, comment=COMMENT
    )
    if submit:
        for person in (pair.mentor, pair.mentee):
            if not QuestionnaireSubmission.objects.filter(pair=pair, respondent=person).exists():
                # In the last completed quarter: the dashboard's confidential figures are
                # those of completed quarters (tests/security/test_dashboard_disclosure.py).
                QuestionnaireSubmissionFactory(
                    pair=pair, respondent=person, submitted_at=in_quarter(0)
                )


@pytest.fixture
def every_count(settings):
    """The counting itself, with the disclosure threshold at 1 (nothing withheld, every pair
    and closed review released): withholding is tested in
    tests/security/test_dashboard_disclosure.py."""
    settings.DISCLOSURE_MIN_CELL = 1


# --- Who may open it --------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == HTTPStatus.FOUND
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize(
    "persona",
    [
        pytest.param(lambda: UserFactory(), id="participant"),
        pytest.param(lambda: UserFactory(is_staff=True), id="staff-not-program-admin"),
    ],
)
def test_everyone_but_program_admins_gets_404(client, persona):
    client.force_login(persona())
    assert client.get(URL).status_code == HTTPStatus.NOT_FOUND


def test_program_admin_and_superuser_open_it(client, program_admin):
    ProgramFactory(name="Leadership Mentoring")
    for person in (program_admin, UserFactory(is_staff=True, is_superuser=True)):
        client.force_login(person)
        response = client.get(URL)
        assert response.status_code == HTTPStatus.OK
        assert "Leadership Mentoring" in response.content.decode()


def test_linked_from_the_admin_index_and_the_site_navigation(client, program_admin):
    client.force_login(program_admin)
    assert URL in client.get(reverse("admin:index")).content.decode()
    assert URL in client.get(reverse("mentorship:dashboard")).content.decode()


def test_participants_see_no_link(client):
    client.force_login(UserFactory())
    assert URL not in client.get(reverse("mentorship:dashboard")).content.decode()


def test_empty_state_says_what_to_do(client, program_admin):
    client.force_login(program_admin)
    body = client.get(URL).content.decode()
    assert "There are no programs yet." in body
    assert reverse("admin:mentorship_program_add") in body


# --- The figures ------------------------------------------------------------------------------


def test_pairs_agreements_and_meetings(program_admin):
    program = ProgramFactory()
    signed = PairFactory(program=program, started_on=started(27))  # 2 planned (fortnightly)
    ActiveAgreementFactory(pair=signed)
    MeetingFactory(pair=signed, held_on=started(20))
    MeetingFactory(pair=signed, held_on=started(6))
    unsigned = PairFactory(program=program, started_on=started(27))  # 2 planned, none held
    MeetingFactory(pair=unsigned, status="missed", held_on=started(3))
    PairFactory(program=program, status=Pair.Status.PROPOSED, started_on=None)
    PairFactory(program=program, status=Pair.Status.ENDED, ended_on=started(1))
    PairFactory()  # another program

    health = health_of(program, program_admin)

    assert health.pairs_by_status == {"active": 2, "proposed": 1, "ended": 1}
    assert (health.active_pairs, health.active_with_agreement, health.agreement_share) == (2, 1, 50)
    assert (health.meetings_planned, health.meetings_held, health.meeting_share) == (4, 2, 50)
    assert health.pairs_behind == 1
    assert health.verdict.key == "attention"
    assert "1 of 2 active pairs has no signed confidentiality agreement yet." in (
        health.verdict.reasons
    )


@pytest.mark.parametrize(
    ("signed", "held", "verdict"),
    [(2, 4, "healthy"), (1, 4, "attention"), (0, 4, "at_risk"), (2, 1, "at_risk")],
)
def test_plain_language_verdict(program_admin, signed, held, verdict):
    program = ProgramFactory()
    pairs = [PairFactory(program=program, started_on=started(27)) for _ in range(2)]
    for pair in pairs[:signed]:
        ActiveAgreementFactory(pair=pair)
    for index in range(held):
        MeetingFactory(pair=pairs[index % 2], held_on=started(index + 1))
    assert health_of(program, program_admin).verdict.key == verdict


def test_a_program_without_active_pairs_has_not_started(program_admin):
    program = ProgramFactory()
    assert health_of(program, program_admin).verdict.key == "not_started"


@pytest.mark.usefixtures("every_count")
def test_mismatch_topics_count_pairs_whose_submitted_answers_differ(program_admin):
    program = ProgramFactory()
    growth = QuestionFactory(program=program, text="The mentor may speak about growth.")
    performance = QuestionFactory(program=program, text="The mentor may comment on performance.")
    agree, disagree, unsure = Answer.Value.AGREE, Answer.Value.DISAGREE, Answer.Value.UNSURE
    first, second, third, unsubmitted = (PairFactory(program=program) for _ in range(4))
    answered(first, growth, agree, disagree)
    answered(first, performance, disagree, disagree)
    answered(second, growth, agree, unsure)
    answered(second, performance, disagree, agree)
    answered(third, growth, agree, agree)
    answered(unsubmitted, growth, agree, disagree, submit=False)  # not compared yet

    health = health_of(program, program_admin).periods[0]

    assert health.mismatch_topics == [
        ("The mentor may speak about growth.", 2),
        ("The mentor may comment on performance.", 1),
    ]
    assert health.pairs_compared == 3


@pytest.mark.usefixtures("every_count")
def test_reviews_by_status_and_statements_by_state(program_admin):
    with at(in_quarter(0)):  # closed in the last completed quarter
        program = ProgramFactory()
        pair = PairFactory(program=program)
        review = PromotionReviewFactory(program=program, candidate=pair.mentee)
        in_force_for_a_while(pair, review)
        PromotionReviewFactory(program=program, status="open")
        PromotionReviewFactory(program=program, status="deciding")
        PromotionReviewFactory(program=program, status="closed")  # no mentor could give input
        StatementFactory(pair=pair, review=review)
        AwaitingConsentStatementFactory(pair=pair, review=review, kind="engagement")
        SharedStatementFactory(pair=pair, review=review, kind="advocacy", text="Shared words.")
        open_pair = PairFactory(program=program)
        still_open = PromotionReviewFactory(program=program, candidate=open_pair.mentee)
        StatementFactory(pair=open_pair, review=still_open)
        close(review, program_admin)

    health = health_of(program, program_admin)

    assert health.reviews_by_status == {"open": 2, "deciding": 1, "closed": 2}
    # Statements count once their review has closed (closing freezes them), and only in
    # reviews in which a mentor could give input.
    assert health.periods[0].reviews_counted == 1
    assert health.periods[0].statements_by_state == {
        "draft": 1,
        "awaiting_consent": 1,
        "shared": 1,
        "declined": 0,
        "withdrawn": 0,
    }


def test_planned_meetings_are_counted_in_sql_as_the_pair_counts_them():
    # The dashboard counts planned meetings in the database (date arithmetic differs between
    # PostgreSQL and SQLite); Pair.planned_meetings is the rule it must follow.
    today = datetime.date(2025, 3, 15)
    day = datetime.timedelta(days=1)
    weekly, fortnightly, monthly = (
        Pair.Cadence.WEEKLY,
        Pair.Cadence.FORTNIGHTLY,
        Pair.Cadence.MONTHLY,
    )
    cases = [
        (None, None, fortnightly),  # not started: 0
        (today, None, weekly),  # starts today: the first meeting is planned
        (today - 6 * day, None, weekly),
        (today - 7 * day, None, weekly),
        (today - 27 * day, None, fortnightly),
        (today - 28 * day, None, fortnightly),
        (today - 400 * day, None, monthly),
        (today + 3 * day, None, weekly),  # starts in the future: 0
        (today - 90 * day, today - 30 * day, weekly),  # ended: counted until the end date
        (today - 10 * day, today - 20 * day, weekly),  # ended before it started: 0
    ]
    pairs = [
        PairFactory(started_on=start, ended_on=end, cadence_days=cadence)
        for start, end, cadence in cases
    ]
    in_sql = dict(
        Pair.objects.filter(pk__in=[pair.pk for pair in pairs])
        .annotate(planned=planned_meetings(today))
        .values_list("pk", "planned")
    )
    assert in_sql == {pair.pk: pair.planned_meetings(today) for pair in pairs}
    assert sorted(in_sql.values()) == [0, 0, 0, 1, 1, 2, 2, 3, 9, 15]


def test_a_pair_is_behind_below_half_of_at_least_two_planned_meetings(program_admin):
    program = ProgramFactory()
    # Four planned (fortnightly, 42 days): two held is half, not behind; one held is behind.
    on_track = PairFactory(program=program, started_on=started(42))
    behind = PairFactory(program=program, started_on=started(42))
    for day in (40, 20):
        MeetingFactory(pair=on_track, held_on=started(day))
    MeetingFactory(pair=behind, held_on=started(30))
    MeetingFactory(pair=behind, held_on=started(10), status="missed")
    # One planned (started today): never behind, whatever was held.
    PairFactory(program=program, started_on=started(0))

    health = health_of(program, program_admin)

    assert (health.meetings_planned, health.meetings_held, health.pairs_behind) == (9, 3, 1)


# --- Silence says nothing ---------------------------------------------------------------------


@pytest.mark.usefixtures("every_count")
def test_a_panel_member_gets_no_counts_from_reviews_they_sit_on(client, program_admin):
    with at(in_quarter(0)):  # closed in the last completed quarter
        program = ProgramFactory(name="Leadership Mentoring")
        pair = PairFactory(program=program)
        seated = PromotionReviewFactory(program=program, candidate=pair.mentee)
        in_force_for_a_while(pair, seated)
        PanelSeatFactory(review=seated, user=program_admin)
        StatementFactory(pair=pair, review=seated)
        DeclinedStatementFactory(pair=pair, review=seated, kind="engagement")
        other_pair = PairFactory(program=program)
        other = PromotionReviewFactory(program=program, candidate=other_pair.mentee)
        in_force_for_a_while(other_pair, other)
        StatementFactory(pair=other_pair, review=other)
        colleague = ProgramAdminFactory(username="ines")
        for review in (seated, other):
            close(review, colleague)
        elsewhere = PairFactory()  # another program: its figures are the panel member's to see
        elsewhere_review = PromotionReviewFactory(
            program=elsewhere.program, candidate=elsewhere.mentee
        )
        in_force_for_a_while(elsewhere, elsewhere_review)
        close(elsewhere_review, colleague)

    health = health_of(program, program_admin)
    # No statement figure of the program at all, rather than one that differs from the
    # colleague's by the seated review's statements.
    assert all(not figures.statements_by_state for figures in health.periods)
    assert health.statements_chart().withheld == WITHHELD_FOR_VIEWER
    assert health.reviews_by_status == {"closed": 2}  # a review's status is the panel's to know
    assert health_of(elsewhere.program, program_admin).periods[0].statements_by_state["draft"] == 0

    client.force_login(program_admin)
    body = client.get(URL).content.decode()
    assert (
        "You sit on the panel of, or are the candidate in, 1 review. So that nothing about "
        "unshared input reaches you, you get no figure about the mentor statements of "
        "Leadership Mentoring."
    ) in body
    assert WITHHELD_FOR_VIEWER in body
    assert health_of(program, colleague).periods[0].statements_by_state == {
        "draft": 2,
        "awaiting_consent": 0,
        "shared": 0,
        "declined": 1,
        "withdrawn": 0,
    }


def test_a_candidate_gets_no_counts_about_their_own_review(program_admin):
    program = ProgramFactory()
    pair = PairFactory(program=program, mentee=program_admin)
    review = PromotionReviewFactory(program=program, candidate=program_admin)
    StatementFactory(pair=pair, review=review)
    dashboard = program_health(viewer=program_admin)
    assert dashboard.hidden_reviews == 1
    health = health_of(program, program_admin)
    assert health.statements_hidden
    assert all(not figures.statements_by_state for figures in health.periods)


def test_no_confidential_text_on_the_page(client, program_admin):
    program = ProgramFactory()
    question = QuestionFactory(program=program)
    pair = PairFactory(program=program)
    answered(pair, question, Answer.Value.AGREE, Answer.Value.DISAGREE)
    MeetingFactory(pair=pair, notes=NOTE)
    review = PromotionReviewFactory(program=program, candidate=pair.mentee)
    statement = DeclinedStatementFactory(pair=pair, review=review, decline_reason=DECLINE)
    client.force_login(program_admin)
    body = client.get(URL).content.decode()
    for secret in (NOTE, COMMENT, DECLINE, statement.text):
        assert secret not in body
    # Nor who: the pair's members are not named on the page.
    assert str(pair.mentor) not in body
    assert str(pair.mentee) not in body


# --- The page: accessible charts, no inline style, constant queries ---------------------------


def test_charts_are_images_with_a_title_and_a_table(client, program_admin):
    program = ProgramFactory(name="Leadership Mentoring")
    PairFactory(program=program)
    client.force_login(program_admin)
    body = client.get(URL).content.decode()
    assert 'role="img"' in body
    assert re.search(
        r'<svg [^>]*role="img"[^>]*>\s*<title id="pairs-\d+-title">Pairs by status', body
    )
    assert "<table" in body
    assert "style=" not in body
    assert "<script" not in body.split("</head>", 1)[1]


def build_program(size: int) -> None:
    program = ProgramFactory()
    question = QuestionFactory(program=program)
    for index in range(size):
        pair = PairFactory(program=program, started_on=started(30))
        ActiveAgreementFactory(pair=pair)
        MeetingFactory(pair=pair)
        answered(pair, question, Answer.Value.AGREE, Answer.Value.DISAGREE)
        review = PromotionReviewFactory(program=program, candidate=pair.mentee)
        StatementFactory(pair=pair, review=review, state=Statement.State.DRAFT)
        if index % 2:
            PanelSeatFactory(review=review)


def dashboard_queries(client, django_assert_num_queries) -> None:
    client.get(URL)  # the first request after logging in also writes the session
    # 1 session, 2 user, 3 the Program admins group check (the view's predicate), 4 the
    # viewer's panel seats and candidacies; then, the figures cache being off in tests, the
    # counts: 5 programs, 6 pairs per program and status (with agreement, meeting and
    # questionnaire figures), 7 differing answers per question, 8 reviews per status,
    # 9 statements per state. (The navigation's link asks the same check: answered from the
    # user object, mentorship/permissions.py. Served from the cache, 5-9 are one read:
    # test_program_dashboard_cache.py.)
    with django_assert_num_queries(9):
        response = client.get(URL)
    assert response.status_code == HTTPStatus.OK


def test_query_count_does_not_grow_with_the_data(client, django_assert_num_queries):
    client.force_login(ProgramAdminFactory())
    build_program(1)
    dashboard_queries(client, django_assert_num_queries)
    build_program(6)
    build_program(3)
    dashboard_queries(client, django_assert_num_queries)
