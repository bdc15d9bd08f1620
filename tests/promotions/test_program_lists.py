"""The lists behind the program dashboard's operational figures: which pairs are on each, scoped
to one program the admin manages; reminding them once per period; the CSV export, safe to open
in a spreadsheet; and nothing confidential on any of them."""

from __future__ import annotations

import csv
import datetime
import io
from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements.models import Answer
from mentorship.models import Notification, Pair, ReminderSent
from promotions.program_lists import LISTS, NO_AGREEMENT, OVERDUE_MEETINGS, QUESTIONNAIRE
from tests.factories import (
    ActiveAgreementFactory,
    AnswerFactory,
    MeetingFactory,
    PairFactory,
    ProgramFactory,
    QuestionFactory,
    QuestionnaireSubmissionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CANARY = "Canary99ListComment"


def url(pair_list, program, suffix: str = "") -> str:
    return reverse(f"mentorship:{pair_list.url_name}{suffix}", args=[program.pk])


def names(response) -> str:
    return response.content.decode()


def message_of(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def submitted(pair, *members) -> None:
    for member in members:
        QuestionnaireSubmissionFactory(pair=pair, respondent=member)


@pytest.fixture
def hana(client, program_admin):
    client.force_login(program_admin)
    return program_admin


@pytest.fixture
def program():
    program = ProgramFactory(name="Leadership Mentoring")
    QuestionFactory(program=program)
    return program


@pytest.fixture
def pairs(program):
    """One pair in each situation, named after it."""
    today = timezone.localdate()
    fine = PairFactory(program=program, mentor__full_name="Fine Mentor")
    ActiveAgreementFactory(pair=fine)
    MeetingFactory(pair=fine, held_on=today - datetime.timedelta(days=3))
    submitted(fine, fine.mentor, fine.mentee)
    # Started 60 days ago, fortnightly, never met: overdue; no agreement; nobody submitted,
    # though the mentee saved an answer with a comment (a draft: never shown, never counted).
    stuck = PairFactory(program=program, mentor__full_name="Stuck Mentor")
    AnswerFactory(
        pair=stuck,
        respondent=stuck.mentee,
        question=program.questions.first(),
        value=Answer.Value.DISAGREE,
        comment=CANARY,
    )
    half = PairFactory(program=program, mentor__full_name="Half Mentor")
    ActiveAgreementFactory(pair=half)
    MeetingFactory(pair=half, held_on=today - datetime.timedelta(days=2))
    submitted(half, half.mentor)
    ended = PairFactory(program=program, status="ended", mentor__full_name="Ended Mentor")
    other = PairFactory(mentor__full_name="Other Program Mentor")  # another program
    QuestionFactory(program=other.program)
    return {"fine": fine, "stuck": stuck, "half": half, "ended": ended, "other": other}


def test_each_list_holds_its_pairs_and_no_other_program(client, hana, program, pairs):
    expected = {
        NO_AGREEMENT: {"Stuck Mentor"},
        OVERDUE_MEETINGS: {"Stuck Mentor"},
        QUESTIONNAIRE: {"Stuck Mentor", "Half Mentor"},
    }
    everyone = {"Fine Mentor", "Stuck Mentor", "Half Mentor", "Ended Mentor"}
    for pair_list, listed in expected.items():
        page = names(client.get(url(pair_list, program)))
        for name in everyone | {"Other Program Mentor"}:
            assert (name in page) == (name in listed), (pair_list.key, name)
    # The other program's list shows its own pair only.
    page = names(client.get(url(NO_AGREEMENT, pairs["other"].program)))
    assert "Other Program Mentor" in page
    assert "Stuck Mentor" not in page


def test_the_questionnaire_list_says_who_is_still_to_submit(client, hana, program, pairs):
    page = names(client.get(url(QUESTIONNAIRE, program)))
    assert "<td>mentor and mentee</td>" in page  # stuck: a saved draft is not a submission
    assert "<td>mentee</td>" in page  # half


def test_nothing_confidential_reaches_a_list_or_export(client, hana, program, pairs):
    for pair_list in LISTS.values():
        for suffix in ("", "_csv"):
            response = client.get(url(pair_list, program, suffix))
            body = response.content
            assert CANARY.encode() not in body
            assert b"Disagree" not in body
            assert b"disagree" not in body


def test_the_dashboard_links_each_figure_to_its_list(client, hana, program, pairs):
    page = names(client.get(reverse("mentorship:program_dashboard")))
    assert f'href="{url(NO_AGREEMENT, program)}">1 active pair without a signed agreement' in page
    assert f'href="{url(OVERDUE_MEETINGS, program)}">1 active pair overdue on meetings' in page
    questionnaire = "2 active pairs with the questionnaire not completed"
    assert f'href="{url(QUESTIONNAIRE, program)}">{questionnaire}' in page


@pytest.mark.parametrize("pair_list", LISTS.values(), ids=LISTS.keys())
def test_people_who_manage_no_program_get_404(client, program, pairs, pair_list):
    staff = UserFactory(is_staff=True)  # staff, not in "Program admins"
    for user in (pairs["stuck"].mentor, staff):
        client.force_login(user)
        assert client.get(url(pair_list, program)).status_code == HTTPStatus.NOT_FOUND
        assert client.get(url(pair_list, program, "_csv")).status_code == HTTPStatus.NOT_FOUND
        response = client.post(url(pair_list, program, "_remind"))
        assert response.status_code == HTTPStatus.NOT_FOUND
    assert not ReminderSent.objects.exists()


def test_a_missing_program_is_404(client, hana):
    missing = reverse(f"mentorship:{NO_AGREEMENT.url_name}", args=[987654])
    assert client.get(missing).status_code == HTTPStatus.NOT_FOUND


def test_reminding_reaches_each_person_once_per_period(client, hana, program, pairs):
    stuck = pairs["stuck"]
    response = client.post(url(NO_AGREEMENT, program, "_remind"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url(NO_AGREEMENT, program)
    assert message_of(response) == "2 people were reminded."
    reminded = Notification.objects.filter(kind="agreements.reminder_agreement_missing")
    assert set(reminded.values_list("recipient_id", flat=True)) == {
        stuck.mentor_id,
        stuck.mentee_id,
    }
    assert reminded.first().link == reverse("agreements:pair", args=[stuck.pk])
    client.get(response["Location"])  # the message is shown, once
    # A double click: nobody is reminded twice.
    again = client.post(url(NO_AGREEMENT, program, "_remind"))
    assert message_of(again) == (
        "0 people were reminded. 2 people were not reminded again: they had been reminded "
        "within the last 7 days."
    )
    assert reminded.count() == 2


def test_reminding_questionnaire_skips_who_submitted(client, hana, program, pairs):
    half = pairs["half"]
    response = client.post(url(QUESTIONNAIRE, program, "_remind"))
    assert message_of(response) == "3 people were reminded."
    reminded = set(
        Notification.objects.filter(kind="agreements.reminder_questionnaire").values_list(
            "recipient_id", flat=True
        )
    )
    assert half.mentee_id in reminded
    assert half.mentor_id not in reminded  # submitted


def test_an_admin_reminder_and_the_scheduled_run_do_not_double(client, hana, program, pairs):
    from django.core.management import call_command

    stuck = pairs["stuck"]
    client.post(url(OVERDUE_MEETINGS, program, "_remind"))
    sent = Notification.objects.filter(
        kind="mentorship.reminder_meetings_overdue",
        recipient__in=[stuck.mentor_id, stuck.mentee_id],
    )
    assert sent.count() == 2
    call_command("send_reminders", stdout=io.StringIO())
    assert sent.count() == 2  # the hourly run finds the admin's reminder and sends none
    other = pairs["other"]  # not on this admin's list: the scheduled run reminds it
    assert Notification.objects.filter(recipient=other.mentor).exists()


def test_the_csv_export(client, hana, program, pairs):
    response = client.get(url(QUESTIONNAIRE, program, "_csv"))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="leadership-mentoring-questionnaire-{today}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Program",
        "Mentor",
        "Mentee",
        "Pair status",
        "Started on",
        "Still to submit",
    ]
    assert sorted(row[1] for row in rows[1:]) == ["Half Mentor", "Stuck Mentor"]


@pytest.mark.parametrize("formula", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)"])
def test_the_csv_export_defuses_formulas(client, hana, program, formula):
    PairFactory(program=program, mentor__full_name=formula)
    response = client.get(url(NO_AGREEMENT, program, "_csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][1] == "'" + formula


def test_the_csv_file_name_is_safe_whatever_the_program_is_called(client, hana):
    program = ProgramFactory(name='Ünïcode "quoted"; name\r\nX-Injected: 1 / ../..')
    response = client.get(url(NO_AGREEMENT, program, "_csv"))
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="unicode-quoted-name')
    assert "\n" not in disposition
    assert "/" not in disposition
    assert "X-Injected" not in response.headers


def queries(client, path: str, method: str = "get") -> int:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(path)
    assert response.status_code < HTTPStatus.BAD_REQUEST
    return len(captured)


def grow(program, n: int) -> None:
    """n more pairs on every list: no agreement, never met, nobody submitted."""
    for _ in range(n):
        PairFactory(program=program)


@pytest.mark.parametrize("pair_list", LISTS.values(), ids=LISTS.keys())
def test_a_list_page_and_its_export_run_fixed_queries(client, hana, program, pair_list):
    grow(program, 1)
    queries(client, url(pair_list, program))  # warm: what the first request of a session loads
    small = (
        queries(client, url(pair_list, program)),
        queries(client, url(pair_list, program, "_csv")),
    )
    grow(program, 9)  # 10x
    large = (
        queries(client, url(pair_list, program)),
        queries(client, url(pair_list, program, "_csv")),
    )
    assert small == large
    grow(program, 30)  # more than a page: still the same, and paged
    assert queries(client, url(pair_list, program)) == small[0]
    page = names(client.get(url(pair_list, program)))
    assert page.count("<tr>") == 1 + 25  # the header and one page
    assert "?page=2" in page


def test_an_active_pair_from_before_start_dates_is_reminded_not_a_500(client, hana, program, pairs):
    # Found by review: active pairs made before start dates were required may have none.
    stuck = pairs["stuck"]
    Pair.objects.filter(pk=stuck.pk).update(started_on=None)
    response = client.post(url(NO_AGREEMENT, program, "_remind"))
    assert response.status_code == HTTPStatus.FOUND
    assert message_of(response) == "2 people were reminded."
