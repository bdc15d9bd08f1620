"""A pair's program, mentor and mentee never change once the pair exists.

Everything the pair holds (meeting notes, questionnaire answers, signed agreements, the mentor's
statements) belongs to those two people. Swapping a member would hand it to a newcomer and make
an agreement "cover" someone who never signed it, so other people get a new pair instead. The
admin shows the three fields read-only, the model refuses the change, and on PostgreSQL a
trigger refuses it for bulk and raw SQL updates too.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.urls import reverse

from mentorship.models import Pair
from promotions.models import Statement
from tests.factories import (
    ActiveAgreementFactory,
    MeetingFactory,
    PairFactory,
    ProgramFactory,
    StatementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOTE = "Private note only Maria and Carol share."
DRAFT = "Draft words only Maria has written."
MEMBERS = ("program", "mentor", "mentee")


@pytest.fixture
def pair() -> Pair:
    """Maria mentoring Carol: a meeting with notes, an active agreement, a draft statement."""
    pair = PairFactory(
        mentor=UserFactory(username="maria", full_name="Maria Lopez"),
        mentee=UserFactory(username="carol", full_name="Carol Chen"),
    )
    MeetingFactory(pair=pair, notes=NOTE)
    ActiveAgreementFactory(pair=pair)
    StatementFactory(pair=pair, text=DRAFT)
    return pair


@pytest.fixture
def newcomer():
    return UserFactory(username="nick", full_name="Nick New")


@pytest.fixture
def program_admin(client, program_admin):
    client.force_login(program_admin)
    return program_admin


def members(pair: Pair) -> tuple[int, int, int]:
    return pair.program_id, pair.mentor_id, pair.mentee_id


def change_form(pair: Pair, **changes) -> dict:
    """Everything the pair's admin change form posts (the reviewer's reproduction)."""
    data = {
        "program": pair.program_id,
        "mentor": pair.mentor_id,
        "mentee": pair.mentee_id,
        "cadence_days": pair.cadence_days,
        "status": pair.status,
        "started_on": pair.started_on.isoformat() if pair.started_on else "",
        "ended_on": "",
        "meetings-TOTAL_FORMS": pair.meetings.count(),
        "meetings-INITIAL_FORMS": pair.meetings.count(),
        "meetings-MIN_NUM_FORMS": 0,
        "meetings-MAX_NUM_FORMS": 1000,
    }
    data.update(changes)
    return data


def change_url(pair: Pair) -> str:
    return reverse("admin:mentorship_pair_change", args=[pair.pk])


# --- the admin ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["mentor", "mentee"])
def test_admin_post_cannot_swap_a_member(client, program_admin, pair, newcomer, role):
    before = members(pair)
    response = client.post(change_url(pair), change_form(pair, **{role: newcomer.pk}))
    # The read-only fields are not part of the form: what was posted for them is ignored.
    assert response.status_code == HTTPStatus.FOUND
    pair.refresh_from_db()
    assert members(pair) == before

    client.force_login(newcomer)
    assert client.get(pair.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    agreement = pair.agreements.get()
    detail = reverse("agreements:detail", args=[agreement.pk])
    assert client.get(detail).status_code == HTTPStatus.NOT_FOUND


def test_admin_post_cannot_swap_the_mentor_onto_the_old_mentors_draft(
    client, program_admin, pair, newcomer
):
    client.post(change_url(pair), change_form(pair, mentor=newcomer.pk))
    statement = Statement.objects.get(pair=pair)
    client.force_login(newcomer)
    response = client.post(
        reverse("promotions:statement_edit", args=[statement.pk]),
        {"text": "Rewritten by the newcomer", "action": "Save draft"},
    )
    assert response.status_code == HTTPStatus.NOT_FOUND
    statement.refresh_from_db()
    assert statement.text == DRAFT


def test_admin_post_cannot_move_a_pair_to_another_program(client, program_admin, pair):
    before = members(pair)
    other = ProgramFactory()
    response = client.post(change_url(pair), change_form(pair, program=other.pk))
    assert response.status_code == HTTPStatus.FOUND
    pair.refresh_from_db()
    assert members(pair) == before


def test_admin_shows_members_of_an_existing_pair_read_only(client, program_admin, pair):
    response = client.get(change_url(pair))
    assert response.status_code == HTTPStatus.OK
    form = response.context["adminform"].form
    assert not set(MEMBERS) & set(form.fields)
    body = response.content.decode()
    assert "Maria Lopez" in body
    assert "Carol Chen" in body
    assert NOTE not in body


def test_admin_add_form_keeps_members_editable(client, program_admin):
    response = client.get(reverse("admin:mentorship_pair_add"))
    form = response.context["adminform"].form
    assert set(MEMBERS) <= set(form.fields)
    assert "admin-autocomplete" in str(form["mentee"])


def test_admin_adds_a_pair(client, program_admin):
    program = ProgramFactory()
    mentor, mentee = UserFactory(), UserFactory()
    response = client.post(
        reverse("admin:mentorship_pair_add"),
        {
            "program": program.pk,
            "mentor": mentor.pk,
            "mentee": mentee.pk,
            "cadence_days": Pair.Cadence.WEEKLY,
            "status": Pair.Status.ACTIVE,
            "started_on": "2024-01-01",
            "ended_on": "",
            "meetings-TOTAL_FORMS": 0,
            "meetings-INITIAL_FORMS": 0,
            "meetings-MIN_NUM_FORMS": 0,
            "meetings-MAX_NUM_FORMS": 1000,
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    pair = Pair.objects.get(program=program)
    assert (pair.mentor, pair.mentee, pair.cadence_days) == (mentor, mentee, 7)


def test_admin_still_changes_status_cadence_and_end_date(client, program_admin, pair):
    before = members(pair)
    response = client.post(
        change_url(pair),
        change_form(pair, status=Pair.Status.ENDED, cadence_days=28, ended_on="2024-06-30"),
    )
    assert response.status_code == HTTPStatus.FOUND
    pair.refresh_from_db()
    assert (pair.status, pair.cadence_days, pair.ended_on.isoformat()) == (
        Pair.Status.ENDED,
        28,
        "2024-06-30",
    )
    assert members(pair) == before


# --- the model ------------------------------------------------------------------------------


def replacement(field: str):
    return ProgramFactory() if field == "program" else UserFactory()


@pytest.mark.parametrize("field", MEMBERS)
def test_save_refuses_a_member_change(pair, field):
    before = members(pair)
    setattr(pair, field, replacement(field))
    with pytest.raises(ValidationError, match="new pair"):
        pair.save()
    pair.refresh_from_db()
    assert members(pair) == before


@pytest.mark.parametrize("field", MEMBERS)
def test_full_clean_refuses_a_member_change(pair, field):
    setattr(pair, field, replacement(field))
    with pytest.raises(ValidationError, match="new pair"):
        pair.full_clean()


def test_a_stale_copy_cannot_swap_a_member_either(pair, newcomer):
    """The refusal compares with the stored row, not with what this object was loaded as."""
    copy = Pair(**{f.attname: getattr(pair, f.attname) for f in Pair._meta.concrete_fields})
    copy.mentee = newcomer
    with pytest.raises(ValidationError, match="new pair"):
        copy.save()


def test_other_fields_still_change(pair):
    pair.status = Pair.Status.COMPLETED
    pair.cadence_days = Pair.Cadence.MONTHLY
    pair.full_clean()
    pair.save()
    pair.refresh_from_db()
    assert (pair.status, pair.cadence_days) == (Pair.Status.COMPLETED, 28)


@pytest.mark.parametrize("field", MEMBERS)
def test_bulk_update_refuses_member_columns(pair, field):
    before = members(pair)
    with pytest.raises(ValidationError, match="new pair"):
        Pair.objects.filter(pk=pair.pk).update(**{field: replacement(field)})
    pair.refresh_from_db()
    assert members(pair) == before


def test_bulk_update_of_other_fields_still_works(pair):
    Pair.objects.filter(pk=pair.pk).update(status=Pair.Status.ENDED, cadence_days=7)
    pair.refresh_from_db()
    assert (pair.status, pair.cadence_days) == (Pair.Status.ENDED, 7)


# --- the database (PostgreSQL) ----------------------------------------------------------------


RAW_MEMBER_UPDATES = {
    "program_id": "UPDATE mentorship_pair SET program_id = %s WHERE id = %s",
    "mentor_id": "UPDATE mentorship_pair SET mentor_id = %s WHERE id = %s",
    "mentee_id": "UPDATE mentorship_pair SET mentee_id = %s WHERE id = %s",
}


def raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.postgres
@pytest.mark.parametrize("column", RAW_MEMBER_UPDATES)
def test_database_refuses_raw_member_change(pair, column):
    before = members(pair)
    other = ProgramFactory() if column == "program_id" else UserFactory()
    with pytest.raises(DatabaseError), transaction.atomic():
        raw(RAW_MEMBER_UPDATES[column], [other.pk, pair.pk])
    # Past the queryset's own refusal too (a plain QuerySet of the model):
    with pytest.raises(DatabaseError), transaction.atomic():
        QuerySet(Pair).filter(pk=pair.pk).update(**{column: other.pk})
    pair.refresh_from_db()
    assert members(pair) == before


@pytest.mark.postgres
def test_database_allows_raw_change_of_other_columns(pair):
    # Writing a member column with its own value is no change.
    raw(
        "UPDATE mentorship_pair SET status = 'ended', mentor_id = mentor_id WHERE id = %s",
        [pair.pk],
    )
    pair.refresh_from_db()
    assert pair.status == Pair.Status.ENDED
