"""The mentor's form: who will read it, facts from the meeting log, input kept on errors."""

from __future__ import annotations

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from promotions.engagement import engagement_sentences
from promotions.models import Statement
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def new_url(world, kind):
    return reverse("promotions:statement_new", args=[world.review.pk, kind])


@pytest.fixture
def meetings(world):
    today = timezone.localdate()
    world.pair.started_on = today.replace(day=1) - datetime.timedelta(days=70)
    world.pair.save()
    for weeks in (1, 3, 5, 7):
        MeetingFactory(pair=world.pair, held_on=today - datetime.timedelta(weeks=weeks))
    MeetingFactory(
        pair=world.pair,
        held_on=today - datetime.timedelta(weeks=2),
        status="missed",
        duration_minutes=0,
    )


def test_the_form_names_the_panel_and_promises_consent_first(world, client):
    client.force_login(world.mentor)
    page = client.get(new_url(world, "advocacy")).content.decode()
    assert "Who will read it:</strong> the review's panel: Lee Park." in page
    assert "Nothing leaves your hands without Carol Chen's consent" in page
    assert "Carol was completely disorganized and unprofessional." in page  # breach example


def test_engagement_facts_come_from_the_meeting_log(world, meetings):
    sentences = engagement_sentences(world.pair)
    started = world.pair.started_on
    planned = world.pair.planned_meetings()
    assert sentences[0] == f"We met 4 times of {planned} planned since {started:%B %Y}."
    assert "In our meetings we spent about 3 hours together." in sentences
    assert "1 planned meeting did not take place." in sentences


def test_the_mentor_can_insert_the_offered_facts(world, client, meetings):
    facts = engagement_sentences(world.pair)
    client.force_login(world.mentor)
    page = client.get(new_url(world, "engagement")).content.decode()
    for fact in facts:
        assert fact in page

    client.post(
        new_url(world, "engagement"),
        {"facts": [facts[0]], "text": "We worked on her project plan.", "action": "Save draft"},
    )

    statement = Statement.objects.get()
    assert statement.kind == "engagement"
    assert statement.text == f"{facts[0]} We worked on her project plan."


def test_facts_that_were_not_offered_are_refused(world, client, meetings):
    client.force_login(world.mentor)
    response = client.post(
        new_url(world, "engagement"),
        {"facts": ["We met 99 times of 99 planned."], "action": "Save draft"},
    )
    assert response.status_code == HTTPStatus.OK
    assert not Statement.objects.exists()


def test_advocacy_offers_no_facts(world, client, meetings):
    client.force_login(world.mentor)
    page = client.get(new_url(world, "advocacy")).content.decode()
    assert 'name="facts"' not in page


def test_an_empty_statement_is_refused_and_the_page_explains(world, client):
    client.force_login(world.mentor)
    response = client.post(new_url(world, "advocacy"), {"text": "   ", "action": "Save draft"})
    assert response.status_code == HTTPStatus.OK
    assert "Your statement was not saved" in response.content.decode()
    assert not Statement.objects.exists()


def test_a_too_long_statement_keeps_what_the_mentor_typed(world, client):
    typed = "Carol grew. " * 400
    client.force_login(world.mentor)
    response = client.post(new_url(world, "advocacy"), {"text": typed, "action": "Save draft"})
    assert response.status_code == HTTPStatus.OK
    assert "Carol grew. Carol grew." in response.content.decode()
    assert not Statement.objects.exists()


def test_an_unknown_kind_is_not_found(world, client):
    client.force_login(world.mentor)
    assert client.get(new_url(world, "verdict")).status_code == HTTPStatus.NOT_FOUND


def test_editing_a_shared_statement_warns_that_it_leaves_the_panel(world, client):
    statement = world.statement("shared")
    client.force_login(world.mentor)
    page = client.get(reverse("promotions:statement_edit", args=[statement.pk])).content.decode()
    assert "takes it off the panel's page" in page
