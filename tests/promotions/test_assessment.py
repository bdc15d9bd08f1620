"""The supervisor's performance assessment: their own page, read by the panel, no consent."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from promotions.models import PromotionReview
from promotions.services import REVIEW_CLOSED_TO_ASSESSMENT

pytestmark = pytest.mark.django_db

TEXT = "Carol delivered the migration on time and runs planning well."


def test_the_supervisor_writes_it_and_the_panel_reads_it(world, client):
    client.force_login(world.supervisor)
    page = client.get(world.review.assessment_url()).content.decode()
    assert "Lee Park" in page  # who reads it
    assert "separate from mentor input" in page

    response = client.post(world.review.assessment_url(), {"text": TEXT})

    assert response.status_code == HTTPStatus.FOUND
    world.review.refresh_from_db()
    assert world.review.supervisor_assessment == TEXT
    assert world.review.assessment_written_at is not None
    client.force_login(world.panel_member)
    assert TEXT in client.get(world.review.get_absolute_url()).content.decode()


@pytest.mark.parametrize("role", ["mentor", "mentee", "program_admin", "superuser", "outsider"])
def test_nobody_else_reads_or_writes_it(world, client, role):
    world.review.supervisor_assessment = TEXT
    world.review.assessment_written_at = world.review.created_at
    world.review.save()
    client.force_login(world.person(role))

    assert client.get(world.review.assessment_url()).status_code == HTTPStatus.NOT_FOUND
    assert client.post(world.review.assessment_url(), {"text": "x"}).status_code == 404
    for url in (world.review.input_url(), world.review.consent_url()):
        response = client.get(url)
        assert TEXT not in response.content.decode()
    world.review.refresh_from_db()
    assert world.review.supervisor_assessment == TEXT


def test_a_closed_review_freezes_the_assessment(world, client):
    world.review.status = PromotionReview.Status.CLOSED
    world.review.closed_at = world.review.created_at
    world.review.save()
    client.force_login(world.supervisor)

    page = client.get(world.review.assessment_url()).content.decode()
    response = client.post(world.review.assessment_url(), {"text": TEXT})

    assert REVIEW_CLOSED_TO_ASSESSMENT in page
    assert "<textarea" not in page
    assert response.status_code == HTTPStatus.FOUND
    world.review.refresh_from_db()
    assert world.review.supervisor_assessment == ""


def test_an_empty_assessment_is_refused_with_a_message(world, client):
    client.force_login(world.supervisor)
    response = client.post(world.review.assessment_url(), {"text": "  "})
    assert response.status_code == HTTPStatus.OK
    assert "The assessment was not saved" in response.content.decode()
