"""The panel records the outcome while deciding; the note is the panel's alone; closing
freezes it; who recorded what is in the confidential chain."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from mentorship.audit import Action
from mentorship.immutability import PublishedRecordError
from mentorship.models import AuditEvent, ConfidentialAuditEvent
from promotions.models import PromotionReview
from promotions.services import (
    OUTCOME_NOT_YET,
    REVIEW_CLOSED_TO_OUTCOME,
    review_change_status,
    review_record_outcome,
)

pytestmark = pytest.mark.django_db

NOTE = "Lee argued for a stretch assignment before the next round."


def deciding(world) -> PromotionReview:
    return review_change_status(
        review_id=world.review.pk, status="deciding", by=world.program_admin
    )


def record(client, review, **data):
    return client.post(reverse("promotions:review_outcome", args=[review.pk]), data)


def test_a_seated_member_records_the_outcome_while_deciding(world, client):
    review = deciding(world)
    client.force_login(world.panel_member)

    response = record(client, review, outcome="deferred", note=NOTE)

    assert response.status_code == HTTPStatus.FOUND
    review.refresh_from_db()
    assert review.outcome == "deferred"
    assert review.outcome_note == NOTE
    assert review.outcome_recorded_by == world.panel_member
    assert review.outcome_recorded_at is not None
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Deferred" in page
    assert NOTE in page
    assert str(world.panel_member) in page


def test_recording_is_audited_in_the_confidential_chain_without_the_note(world):
    review = deciding(world)
    review_record_outcome(
        review_id=review.pk, member=world.panel_member, outcome="promoted", note=NOTE
    )

    event = ConfidentialAuditEvent.objects.get(action=Action.OUTCOME_RECORDED)
    assert event.actor == world.panel_member
    assert event.payload["to"] == "promoted"
    assert event.payload["from"] == ""
    assert NOTE not in str(event.payload)
    assert not AuditEvent.objects.filter(action=Action.OUTCOME_RECORDED).exists()


def test_a_second_recording_replaces_the_first_and_is_audited_too(world):
    review = deciding(world)
    for outcome in ("promoted", "not_this_time"):
        review_record_outcome(review_id=review.pk, member=world.panel_member, outcome=outcome)
    review.refresh_from_db()
    assert review.outcome == "not_this_time"
    events = ConfidentialAuditEvent.objects.filter(action=Action.OUTCOME_RECORDED)
    assert [e.payload["to"] for e in events.order_by("pk")] == ["promoted", "not_this_time"]


def test_an_open_review_takes_no_outcome_yet(world, client):
    client.force_login(world.panel_member)

    response = record(client, world.review, outcome="promoted", note=NOTE)

    assert response.status_code == HTTPStatus.FOUND
    world.review.refresh_from_db()
    assert world.review.outcome == ""
    page = client.get(response["Location"]).content.decode()
    assert OUTCOME_NOT_YET in page


def test_closing_freezes_the_outcome(world):
    review = deciding(world)
    review_record_outcome(review_id=review.pk, member=world.panel_member, outcome="promoted")
    review_change_status(review_id=review.pk, status="closed", by=world.program_admin)

    with pytest.raises(ValidationError) as refused:
        review_record_outcome(review_id=review.pk, member=world.panel_member, outcome="deferred")
    assert REVIEW_CLOSED_TO_OUTCOME in refused.value.messages
    # Not the service alone: the closed review's guard refuses any write to it.
    review.refresh_from_db()
    review.outcome = "deferred"
    with pytest.raises(PublishedRecordError):
        review.save(update_fields=["outcome"])
    review.refresh_from_db()
    assert review.outcome == "promoted"


def test_no_choice_comes_back_with_the_note_as_typed(world, client):
    review = deciding(world)
    client.force_login(world.panel_member)

    response = record(client, review, note=NOTE)

    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "Choose the outcome." in body
    assert NOTE in body
    review.refresh_from_db()
    assert review.outcome == ""


@pytest.mark.parametrize(
    "role", ["outsider", "mentor", "mentee", "supervisor", "other_panel_member", "program_admin"]
)
def test_nobody_but_a_seated_member_reaches_it(world, client, role):
    review = deciding(world)
    client.force_login(world.person(role))

    response = record(client, review, outcome="promoted", note=NOTE)

    assert response.status_code == HTTPStatus.NOT_FOUND
    review.refresh_from_db()
    assert review.outcome == ""


def test_the_service_refuses_anyone_not_seated(world):
    review = deciding(world)
    with pytest.raises(PermissionDenied):
        review_record_outcome(review_id=review.pk, member=world.supervisor, outcome="promoted")


def test_program_admins_see_the_outcome_but_never_the_note(world, client):
    review = deciding(world)
    review_record_outcome(
        review_id=review.pk, member=world.panel_member, outcome="not_this_time", note=NOTE
    )
    client.force_login(world.program_admin)

    change = client.get(reverse("admin:promotions_promotionreview_change", args=[review.pk]))
    listing = client.get(reverse("admin:promotions_promotionreview_changelist"))

    assert change.status_code == HTTPStatus.OK
    assert "Not this time" in change.content.decode()
    assert "Not this time" in listing.content.decode()
    for response in (change, listing):
        assert NOTE not in response.content.decode()


def test_the_candidate_and_the_mentor_never_see_outcome_or_note(world, client):
    review = deciding(world)
    review_record_outcome(
        review_id=review.pk, member=world.panel_member, outcome="not_this_time", note=NOTE
    )
    for person, page in ((world.mentee, review.consent_url()), (world.mentor, review.input_url())):
        client.force_login(person)
        body = client.get(page).content.decode()
        assert NOTE not in body
        assert "Not this time" not in body
