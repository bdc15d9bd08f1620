"""The admin's import pages: upload is a dry run that shows every row and writes nothing; the
confirmation imports the file; a refused file offers no confirmation; the pending file is bound
to the session that uploaded it (issue 15)."""

from __future__ import annotations

import os
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mentorship.imports import PendingImportStorage
from mentorship.models import Pair, User
from tests.factories import ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db

PEOPLE = (
    "email,full_name,department,manager_email\n"
    "bea@example.com,Bea Boss,Engineering,\n"
    "ann@example.com,Ann Archer,Engineering,bea@example.com\n"
)
IMPORT = reverse("admin:mentorship_user_import")
CONFIRM = reverse("admin:mentorship_user_process_import")
CSV = "0"  # the first of the import formats (CSV, XLSX)


@pytest.fixture
def hana(client, program_admin):
    client.force_login(program_admin)
    return program_admin


def upload(client, text: str, url: str = IMPORT, name: str = "people.csv"):
    return client.post(
        url,
        {"format": CSV, "import_file": SimpleUploadedFile(name, text.encode(), "text/csv")},
    )


def imported() -> set[str]:
    return set(User.objects.filter(email__endswith="@example.com").values_list("email", flat=True))


def test_the_dry_run_shows_every_row_and_writes_nothing(client, hana):
    response = upload(client, PEOPLE)
    assert response.status_code == HTTPStatus.OK
    report = response.context["report"]
    assert [(line.number, line.outcome) for line in report.lines] == [(1, "create"), (2, "create")]
    assert b"Confirm import" in response.content
    assert b"Dry run: 2 to create, 0 to change, 0 unchanged, 0 refused" in response.content
    assert imported() == {hana.email}


def test_confirming_imports_the_file_then_the_same_file_changes_nothing(client, hana):
    confirm = upload(client, PEOPLE).context["confirm_form"].initial
    response = client.post(CONFIRM, confirm)
    assert response.status_code == HTTPStatus.FOUND
    assert imported() == {hana.email, "bea@example.com", "ann@example.com"}
    assert User.objects.get(email="ann@example.com").manager.email == "bea@example.com"

    again = upload(client, PEOPLE)
    assert [line.outcome for line in again.context["report"].lines] == ["unchanged"] * 2


def test_a_refused_row_offers_no_confirmation(client, hana):
    response = upload(client, PEOPLE + "not-an-email,Nobody,,\n")
    assert response.context.get("confirm_form") is None
    assert b"Confirm import" not in response.content
    assert b"&#x27;not-an-email&#x27; is not an email address." in response.content
    assert b"Nothing will be imported while a row is refused" in response.content
    assert imported() == {hana.email}


def test_wrong_columns_are_named_on_the_page(client, hana):
    response = upload(client, "mail,name\nx@example.com,X\n")
    assert b"Unknown column(s): &#x27;mail&#x27;, &#x27;name&#x27;." in response.content
    assert b"Confirm import" not in response.content


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(client, hana, settings):
    settings.IMPORT_MAX_BYTES = 10
    response = upload(client, PEOPLE)
    assert b"one import takes at most" in response.content
    assert "report" not in response.context
    assert imported() == {hana.email}


def test_a_file_the_parser_cannot_read_is_refused_plainly(client, hana):
    response = client.post(
        IMPORT,
        {"format": "1", "import_file": SimpleUploadedFile("people.xlsx", b"not a workbook")},
    )
    assert response.status_code == HTTPStatus.OK
    assert b"This is not an XLSX workbook. Choose the file&#x27;s format." in response.content
    assert b"Traceback" not in response.content


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "/etc/passwd", "passwd", "0" * 31 + "g", "0" * 32]
)
def test_a_confirmation_naming_another_file_is_refused(client, hana, name):
    confirm = upload(client, PEOPLE).context["confirm_form"].initial
    response = client.post(CONFIRM, {**confirm, "import_file_name": name})
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == IMPORT
    assert imported() == {hana.email}


def test_another_session_cannot_confirm_an_upload(client, hana, django_user_model):
    from django.test import Client

    confirm = upload(client, PEOPLE).context["confirm_form"].initial
    other = Client()
    other.force_login(UserFactory(username="hanna", is_superuser=True, is_staff=True))
    response = other.post(CONFIRM, confirm)
    assert response.status_code == HTTPStatus.FOUND
    assert imported() == {hana.email, "hanna@example.com"}
    # The upload is still waiting for its own session.
    assert os.path.exists(PendingImportStorage(name=confirm["import_file_name"]).get_full_path())
    client.post(CONFIRM, confirm)
    assert "ann@example.com" in imported()


def test_a_confirmation_is_used_once(client, hana):
    confirm = upload(client, PEOPLE).context["confirm_form"].initial
    client.post(CONFIRM, confirm)
    User.objects.filter(email="ann@example.com").update(department="Moved")
    response = client.post(CONFIRM, confirm)
    assert response.url == IMPORT
    assert User.objects.get(email="ann@example.com").department == "Moved"


def test_what_changed_since_the_dry_run_rolls_the_import_back(client, hana):
    ProgramFactory(name="Leadership Mentoring")
    for name in ("maria", "carol", "omar"):
        UserFactory(username=name, email=f"{name}@example.com")
    pairs = (
        "mentor_email,mentee_email,program,start_date\n"
        "maria@example.com,carol@example.com,Leadership Mentoring,2026-01-15\n"
    )
    dry = upload(client, pairs, url=reverse("admin:mentorship_pair_import"), name="pairs.csv")
    confirm = dry.context["confirm_form"].initial
    # Meanwhile another admin gives Carol an active mentor in the program.
    Pair.objects.create(
        program=ProgramFactory._meta.model.objects.get(),
        mentor=User.objects.get(username="omar"),
        mentee=User.objects.get(username="carol"),
        status="active",
        started_on="2026-01-01",
    )
    response = client.post(reverse("admin:mentorship_pair_process_import"), confirm)
    assert response.status_code == HTTPStatus.OK
    assert b"Nothing was imported" in response.content
    assert b"This mentee already has an active pair in this program." in response.content
    assert Pair.objects.count() == 1


def test_staff_outside_the_program_admins_cannot_import(client):
    client.force_login(UserFactory(username="staff", is_staff=True))
    assert client.get(IMPORT).status_code == HTTPStatus.FORBIDDEN
    response = upload(client, PEOPLE)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert client.post(CONFIRM, {}).status_code == HTTPStatus.FORBIDDEN
    assert not User.objects.filter(email="ann@example.com").exists()
