"""A pair with a start date is active and both members are told; a pair without one stays
Proposed and nobody is told anything (issue 14: pairs created Proposed with a date trapped
their members, who could neither start their agreement nor log a meeting)."""

from __future__ import annotations

import contextlib
import datetime
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from mentorship.audit import Action
from mentorship.models import AuditEvent, Pair
from mentorship.services import pair_save
from tests.factories import MeetingFactory, PairFactory, ProgramFactory, UserFactory
from tests.mentorship.test_pair_members_fixed import change_form, change_url
from tests.outbox import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivering():
    """Around an act: afterwards the notification worker runs, as it would in production."""

    @contextlib.contextmanager
    def act():
        yield
        run_worker()

    return act


NOTE = "Private words only the pair shares"


@pytest.fixture
def hana(client, program_admin):
    """The program admin, signed in to the admin site."""
    client.force_login(program_admin)
    return program_admin


@pytest.fixture
def maria():
    return UserFactory(username="maria", full_name="Maria Lopez", email="maria@example.com")


@pytest.fixture
def carol():
    return UserFactory(username="carol", full_name="Carol Chen", email="carol@example.com")


def add_form(program, mentor, mentee, **changes) -> dict:
    data = {
        "program": program.pk,
        "mentor": mentor.pk,
        "mentee": mentee.pk,
        "cadence_days": Pair.Cadence.FORTNIGHTLY,
        "status": Pair.Status.PROPOSED,
        "started_on": "",
        "ended_on": "",
        "meetings-TOTAL_FORMS": 0,
        "meetings-INITIAL_FORMS": 0,
        "meetings-MIN_NUM_FORMS": 0,
        "meetings-MAX_NUM_FORMS": 1000,
    }
    data.update(changes)
    return data


def status_events(pair: Pair) -> list[dict]:
    events = AuditEvent.objects.filter(
        action=Action.PAIR_STATUS_CHANGED, target_id=str(pair.pk)
    ).order_by("pk")
    return [event.payload for event in events]


def mails_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def assert_told_both(pair: Pair) -> None:
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        [pair.mentor.email, pair.mentee.email]
    )
    for message in mail.outbox:
        assert pair.get_absolute_url() in message.body
        assert NOTE not in message.subject + message.body
    assert "Carol Chen" in mails_to(pair.mentor.email)[0].body
    assert "Maria Lopez" in mails_to(pair.mentee.email)[0].body


def test_a_new_pair_with_a_start_date_is_active_and_both_members_are_told(
    client, hana, maria, carol, delivering
):
    program = ProgramFactory()
    started = timezone.localdate() - datetime.timedelta(days=3)
    with delivering():
        response = client.post(
            reverse("admin:mentorship_pair_add"),
            add_form(program, maria, carol, started_on=started.isoformat()),
        )

    assert response.status_code == HTTPStatus.FOUND
    pair = Pair.objects.get(program=program)
    assert pair.status == Pair.Status.ACTIVE
    assert status_events(pair) == [{"from": None, "to": "active"}]
    assert_told_both(pair)
    assert all("has started" in message.subject for message in mail.outbox)


def test_a_new_pair_without_a_start_date_stays_proposed_and_nobody_is_told(
    client, hana, maria, carol, delivering
):
    program = ProgramFactory()
    with delivering():
        response = client.post(
            reverse("admin:mentorship_pair_add"), add_form(program, maria, carol)
        )

    assert response.status_code == HTTPStatus.FOUND
    pair = Pair.objects.get(program=program)
    assert pair.status == Pair.Status.PROPOSED
    assert mail.outbox == []


def test_setting_the_start_date_later_starts_the_pair_and_tells_both(
    client, hana, maria, carol, delivering
):
    pair = PairFactory(mentor=maria, mentee=carol, status=Pair.Status.PROPOSED, started_on=None)
    started = timezone.localdate()
    form = change_form(pair, started_on=started.isoformat())
    with delivering():
        response = client.post(change_url(pair), form)

    assert response.status_code == HTTPStatus.FOUND
    pair.refresh_from_db()
    assert (pair.status, pair.started_on) == (Pair.Status.ACTIVE, started)
    assert status_events(pair) == [{"from": "proposed", "to": "active"}]
    assert_told_both(pair)


def test_a_future_start_date_makes_the_pair_active_now_and_says_when_it_starts(
    maria, carol, program_admin, delivering
):
    starts = timezone.localdate() + datetime.timedelta(days=10)
    pair = Pair(program=ProgramFactory(), mentor=maria, mentee=carol, started_on=starts)
    with delivering():
        pair_save(pair=pair, by=program_admin)

    assert pair.status == Pair.Status.ACTIVE
    assert pair.planned_meetings() == 0
    assert_told_both(pair)
    when = f"{starts.day} {starts:%B %Y}"
    assert all(f"starts on {when}" in message.subject for message in mail.outbox)


def test_saving_an_active_pair_again_tells_nobody(client, hana, maria, carol, delivering):
    pair = PairFactory(mentor=maria, mentee=carol)
    MeetingFactory(pair=pair, notes=NOTE)
    with delivering():
        response = client.post(change_url(pair), change_form(pair, cadence_days=7))

    assert response.status_code == HTTPStatus.FOUND
    assert mail.outbox == []
    assert status_events(pair) == []


def test_an_active_pair_without_a_start_date_is_refused_beside_the_field(client, hana):
    pair = PairFactory(status=Pair.Status.PROPOSED, started_on=None)
    response = client.post(
        change_url(pair), change_form(pair, status=Pair.Status.ACTIVE, started_on="")
    )

    assert response.status_code == HTTPStatus.OK
    form = response.context["adminform"].form
    assert form.errors["started_on"] == [Pair.START_DATE_NEEDED]
    pair.refresh_from_db()
    assert pair.status == Pair.Status.PROPOSED


def test_a_pair_that_cannot_become_active_is_refused_in_the_form_not_the_database(
    client, hana, maria, carol
):
    """The mentee already has an active pair in the program: the read-only members hid the
    constraint from the change form, and the save failed in the database (a server error)."""
    active = PairFactory(mentee=carol)
    waiting = PairFactory(
        program=active.program,
        mentor=maria,
        mentee=carol,
        status=Pair.Status.PROPOSED,
        started_on=None,
    )
    started = timezone.localdate().isoformat()

    response = client.post(change_url(waiting), change_form(waiting, started_on=started))

    assert response.status_code == HTTPStatus.OK
    errors = response.context["adminform"].form.non_field_errors()
    assert "This mentee already has an active pair in this program." in errors
    waiting.refresh_from_db()
    assert (waiting.status, waiting.started_on) == (Pair.Status.PROPOSED, None)


def test_only_a_program_admin_saves_a_pair(maria, carol):
    pair = Pair(program=ProgramFactory(), mentor=maria, mentee=carol)
    with pytest.raises(PermissionDenied):
        pair_save(pair=pair, by=maria)
    assert not Pair.objects.exists()


def test_the_model_refuses_an_active_pair_without_a_start_date(maria, carol):
    pair = Pair(program=ProgramFactory(), mentor=maria, mentee=carol, status=Pair.Status.ACTIVE)
    with pytest.raises(ValidationError) as refused:
        pair.full_clean()
    assert refused.value.message_dict["started_on"] == [Pair.START_DATE_NEEDED]
