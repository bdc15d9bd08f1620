"""Importing pairs: each saved through pair_save as a hand-made pair is (audited, both members
told), unchanged the second time; every bad file refused whole (issue 15)."""

from __future__ import annotations

import pytest

from mentorship.audit import Action
from mentorship.imports import PairResource
from mentorship.models import AuditEvent, Notification, Pair
from tests.factories import PairFactory, ProgramAdminFactory, ProgramFactory, UserFactory
from tests.mentorship.imports import outcomes, run

pytestmark = pytest.mark.django_db

HEADER = ["mentor_email", "mentee_email", "program", "start_date"]


@pytest.fixture
def hana():
    return ProgramAdminFactory(username="hana")


@pytest.fixture
def world():
    ProgramFactory(name="Leadership Mentoring")
    for name in ("maria", "carol", "dan", "mary", "omar"):
        UserFactory(username=name, email=f"{name}@example.com")


FILE = [
    HEADER,
    ["maria@example.com", "carol@example.com", "Leadership Mentoring", "2026-01-15"],
    ["DAN@example.com", "mary@example.com", "leadership mentoring", ""],
]


def pairs() -> set[tuple]:
    return {
        (p.program.name, p.mentor.username, p.mentee.username, p.status, p.started_on)
        for p in Pair.objects.select_related("program", "mentor", "mentee")
    }


def refused(report) -> dict[int, list[str]]:
    return {line.number: line.details for line in report.lines if line.outcome == "refused"}


def test_pairs_are_made_as_by_hand_audited_and_announced(hana, world):
    report = run(PairResource, FILE, by=hana)
    assert report.accepted, report
    assert outcomes(report) == ["create", "create"]
    import datetime

    assert pairs() == {
        ("Leadership Mentoring", "maria", "carol", "active", datetime.date(2026, 1, 15)),
        ("Leadership Mentoring", "dan", "mary", "proposed", None),
    }
    active = Pair.objects.get(mentor__username="maria")
    # pair_save's record and messages: the status change, and both members told it started.
    assert AuditEvent.objects.filter(
        action=Action.PAIR_STATUS_CHANGED, target_id=str(active.pk), actor=hana
    ).exists()
    told = set(
        Notification.objects.filter(kind="mentorship.pair_started").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"maria", "carol"}


def test_importing_the_same_file_twice_changes_nothing(hana, world):
    run(PairResource, FILE, by=hana)
    before, messages = pairs(), Notification.objects.count()
    report = run(PairResource, FILE, by=hana)
    assert outcomes(report) == ["unchanged", "unchanged"]
    assert pairs() == before
    assert Notification.objects.count() == messages


def test_a_dry_run_writes_nothing_and_tells_nobody(hana, world):
    report = run(PairResource, FILE, by=hana, dry_run=True)
    assert outcomes(report) == ["create", "create"]
    assert pairs() == set()
    assert not Notification.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.PAIR_STATUS_CHANGED).exists()


def test_a_start_date_starts_a_proposed_pair(hana, world):
    run(PairResource, FILE, by=hana)
    started = [
        HEADER,
        ["dan@example.com", "mary@example.com", "Leadership Mentoring", "2026-02-01"],
    ]
    report = run(PairResource, started, by=hana)
    assert outcomes(report) == ["change"]
    assert report.lines[0].details == ["start_date: (empty) → 2026-02-01"]
    assert Pair.objects.get(mentor__username="dan").status == "active"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (
            ["omar@example.com", "dan@example.com", "Nope", "2026-01-01"],
            ["program: No program named 'Nope'."],
        ),
        (
            ["omar@example.com", "omar@example.com", "Leadership Mentoring", "2026-01-01"],
            ["A person cannot mentor themselves."],
        ),
        (
            ["omar@example", "dan@example.com", "Leadership Mentoring", "2026-01-01"],
            [
                "mentor_email: No person with the email omar@example here or on an earlier row "
                "of this file."
            ],
        ),
        (
            ["omar@example.com", "dan@example.com", "Leadership Mentoring", "15/01/2026"],
            ["start_date: '15/01/2026' is not a date: write it as YYYY-MM-DD."],
        ),
        (
            ["", "dan@example.com", "Leadership Mentoring", ""],
            ["mentor_email: Missing email."],
        ),
        # A duplicate in the file, named by its first row.
        (FILE[1], ["The same pair is also on row 1: one row each."]),
        # Against the pairs here: Carol already has an active mentor in this program.
        (
            ["omar@example.com", "carol@example.com", "Leadership Mentoring", "2026-01-01"],
            ["This mentee already has an active pair in this program."],
        ),
    ],
)
def test_a_bad_row_refuses_the_whole_file(hana, world, row, reason):
    report = run(PairResource, [*FILE, row], by=hana)
    assert not report.accepted
    assert refused(report) == {3: reason}
    assert outcomes(report)[:2] == ["create", "create"]
    assert pairs() == set()  # the rows before it are rolled back too
    assert not Notification.objects.exists()  # and nobody was told


def test_a_pair_that_contradicts_a_stored_pair_is_refused(hana, world):
    PairFactory(
        program__name="Other program",
        mentor=UserFactory(username="omar"),
        mentee=UserFactory(username="carol"),
        status="active",
        started_on="2025-01-01",
    )
    rows = [HEADER, ["omar@example.com", "carol@example.com", "Leadership Mentoring", "2026-01-01"]]
    report = run(PairResource, rows, by=hana)
    assert refused(report) == {1: ["These two people already form an active pair."]}


def test_wrong_columns_refuse_the_file(hana, world):
    report = run(PairResource, [["mentor", "mentee"], ["a", "b"]], by=hana)
    assert report.file_errors == [
        "Unknown column(s): 'mentor', 'mentee'. The columns are: mentor_email, mentee_email, "
        "program, start_date."
    ]
    assert report.lines == []


def test_xlsx_dates_are_read_as_dates(hana, world):
    import datetime

    rows = [
        HEADER,
        [
            "maria@example.com",
            "carol@example.com",
            "Leadership Mentoring",
            datetime.datetime(2026, 3, 1),
        ],
    ]
    report = run(PairResource, rows, by=hana, fmt="xlsx")
    assert report.accepted, report
    assert Pair.objects.get().started_on == datetime.date(2026, 3, 1)
