"""Importing people: created by email, changed where the file says otherwise, unchanged the
second time; every bad file refused whole, with the reason on its row (issue 15)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from mentorship.imports import PersonResource
from mentorship.models import User
from tests.factories import ProgramAdminFactory, UserFactory
from tests.mentorship.imports import outcomes, run

pytestmark = pytest.mark.django_db

HEADER = ["email", "full_name", "department", "manager_email", "supervisor_email"]
FILE = [
    HEADER,
    ["boss@example.com", "Bea Boss", "Engineering", "", ""],
    ["ann@example.com", "Ann Archer", "Engineering", "boss@example.com", "boss@example.com"],
    ["Bob@Example.com ", "Bob Baker", "Sales", "boss@example.com", ""],
]


@pytest.fixture
def hana():
    return ProgramAdminFactory(username="hana")


def people() -> dict[str, tuple]:
    return {
        u.email: (u.full_name, u.department, u.manager and u.manager.email)
        for u in User.objects.exclude(username="hana").select_related("manager")
    }


def test_a_file_creates_people_with_their_manager_and_supervisor(hana):
    report = run(PersonResource, FILE, by=hana)
    assert report.accepted
    assert outcomes(report) == ["create", "create", "create"]
    ann = User.objects.get(email="ann@example.com")
    assert (ann.username, ann.full_name, ann.department) == (
        "ann@example.com",
        "Ann Archer",
        "Engineering",
    )
    assert ann.manager.email == ann.supervisor.email == "boss@example.com"
    assert not ann.has_usable_password()  # single sign-on, or a superuser sets one
    assert User.objects.filter(email="bob@example.com").exists()  # trimmed, lower case


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_importing_the_same_file_twice_changes_nothing(hana, fmt):
    run(PersonResource, FILE, by=hana, fmt=fmt)
    before = people()
    report = run(PersonResource, FILE, by=hana, fmt=fmt)
    assert outcomes(report) == ["unchanged"] * 3
    assert people() == before


def test_a_dry_run_reports_and_writes_nothing(hana):
    report = run(PersonResource, FILE, by=hana, dry_run=True)
    assert outcomes(report) == ["create"] * 3
    assert people() == {}


def test_a_changed_row_says_what_changes(hana):
    UserFactory(username="ann", email="ann@example.com", full_name="Ann Archer", department="Ops")
    rows = [["email", "full_name", "department"], ["ann@example.com", "Ann Archer", "Sales"]]
    report = run(PersonResource, rows, by=hana)
    assert outcomes(report) == ["change"]
    assert report.lines[0].details == ["department: Ops → Sales"]
    assert User.objects.get(username="ann").department == "Sales"


def test_an_absent_column_leaves_the_field_alone(hana):
    boss = UserFactory(username="boss", email="boss@example.com")
    UserFactory(username="ann", email="ann@example.com", full_name="Ann", manager=boss)
    report = run(PersonResource, [["email", "full_name"], ["ann@example.com", "Ann"]], by=hana)
    assert outcomes(report) == ["unchanged"]
    assert User.objects.get(username="ann").manager == boss


def refused(report) -> dict[int, list[str]]:
    return {line.number: line.details for line in report.lines if line.outcome == "refused"}


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (["not-an-email", "X", "", "", ""], "email: 'not-an-email' is not an email address."),
        (["", "X", "", "", ""], "email: Missing email."),
        (["x@example.com", "", "", "", ""], "full_name: This field cannot be blank."),
        (
            ["x@example.com", "X", "", "nobody@example.com", ""],
            "manager_email: No person with the email nobody@example.com here or on an earlier "
            "row of this file.",
        ),
        (
            ["x@example.com", "X", "", "", "x@example.com"],
            "supervisor_email: A person is not their own manager or supervisor.",
        ),
        (["ann@example.com", "Ann again", "", "", ""], "The person ann@example.com is "),
    ],
)
def test_a_bad_row_refuses_the_whole_file(hana, row, reason):
    report = run(PersonResource, [*FILE, row], by=hana)
    assert not report.accepted
    assert outcomes(report) == ["create", "create", "create", "refused"]
    (details,) = refused(report).values()
    assert details[0].startswith(reason.rstrip()) or details == [reason], details
    assert people() == {}  # the good rows before it are rolled back too


def test_a_duplicate_row_names_the_first(hana):
    report = run(PersonResource, [*FILE, FILE[2]], by=hana)
    assert refused(report) == {4: ["The person ann@example.com is also on row 2: one row each."]}


def test_a_manager_named_before_their_row_is_refused(hana):
    rows = [HEADER, ["ann@example.com", "Ann", "", "boss@example.com", ""], FILE[1]]
    report = run(PersonResource, rows, by=hana)
    assert list(refused(report)) == [1]
    assert people() == {}


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["email", "name"], "Unknown column(s): 'name'. The columns are: email, full_name, "),
        (["email"], "Missing column(s): full_name. The columns are: "),
        (["email", "full_name", "email"], "Column(s) named twice: email."),
    ],
)
def test_wrong_columns_refuse_the_file_before_any_row(hana, header, message):
    report = run(PersonResource, [header, ["a@example.com"] * len(header)], by=hana)
    assert len(report.file_errors) == 1
    assert report.file_errors[0].startswith(message)
    assert report.lines == []
    assert people() == {}


def test_a_file_without_rows_is_refused(hana):
    report = run(PersonResource, [HEADER], by=hana)
    assert report.file_errors == ["The file has no rows below its header."]


def test_a_file_over_the_row_limit_is_refused_with_the_limit(hana, settings):
    settings.IMPORT_MAX_ROWS = 2
    report = run(PersonResource, FILE, by=hana)
    assert report.file_errors[0].startswith(
        "The file has 3 rows; one import takes at most 2. Split it into files of at most 2 rows"
    )
    assert people() == {}


@pytest.mark.parametrize("access", [{"is_superuser": True}, {"is_staff": True}])
def test_a_program_admin_never_changes_anyone_with_admin_access(hana, access):
    UserFactory(username="root", email="root@example.com", full_name="Root", **access)
    report = run(PersonResource, [["email", "full_name"], ["root@example.com", "Mallory"]], by=hana)
    assert refused(report) == {
        1: ["email: This person has access to the admin site: only a superuser changes them."]
    }
    assert User.objects.get(username="root").full_name == "Root"


def test_an_email_two_people_share_is_refused(hana):
    UserFactory(username="a1", email="same@example.com")
    UserFactory(username="a2", email="SAME@example.com")
    report = run(PersonResource, [["email", "full_name"], ["same@example.com", "X"]], by=hana)
    assert list(refused(report)) == [1]


def test_only_program_admins_import(hana):
    with pytest.raises(PermissionDenied):
        run(PersonResource, FILE, by=UserFactory(username="mallory", is_staff=True))
    assert not User.objects.filter(email="ann@example.com").exists()


def test_an_existing_persons_email_is_matched_not_rewritten(hana):
    """The file's address finds the person whatever its case; it is not written over theirs
    (single sign-on and the people import match by it; the README says the import never
    changes an existing person's email)."""
    UserFactory(username="ann", email="Ann.Archer@Example.com", full_name="Ann Archer")
    rows = [["email", "full_name"], ["ann.archer@example.com", "Ann Archer"]]
    report = run(PersonResource, rows, by=hana)
    assert outcomes(report) == ["unchanged"]
    assert User.objects.get(username="ann").email == "Ann.Archer@Example.com"
