"""Signed agreements, signatures, audit events, access records and published guidelines never
change or go away: not through the admin (even as a superuser), not through the ORM.

The admin attempts are real browser-like POSTs: the change form posted with altered values, the
delete page confirmed, and the bulk "delete selected" action. The database-level refusals
(triggers, raw SQL) are in test_immutability_database.py, on PostgreSQL.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from mentorship.models import AuditEvent, Guideline, PublishedRecordError
from promotions.models import Statement, StatementView
from tests.security.conftest import STATS, World
from tests.security.web import browser, form_data, perform, snapshot

pytestmark = pytest.mark.django_db


def records(world: World) -> dict[str, object]:
    """One record of each kind that must never change, by admin URL prefix."""
    return {
        "agreements_agreement": world.agreements["active"],
        "agreements_signature": world.agreements["active"].signatures.first(),
        "mentorship_auditevent": AuditEvent.objects.order_by("pk").first(),
        "mentorship_guideline": world.guideline,  # published
        "promotions_promotionreview": world.reviews["closed"],
    }


ALTERED = {
    "agreements_agreement": {"status": "active", "exceptions": "Forged.", "allows_advocacy": ""},
    "agreements_signature": {"typed_name": "Someone Else", "text_sha256": "0" * 64},
    "mentorship_auditevent": {"action": "forged", "payload": "{}"},
    "mentorship_guideline": {"title": "Forged", "body": "Forged body."},
    "promotions_promotionreview": {"target_role": "Forged", "status": "open"},
}


def audit_rows() -> list[tuple]:
    return list(AuditEvent.objects.order_by("pk").values_list("pk", "hash"))


@pytest.mark.parametrize("prefix", list(ALTERED))
def test_the_superuser_cannot_change_it_in_the_admin(world, prefix):
    record = records(world)[prefix]
    ada = browser(world.users["ada"], enforce_csrf_checks=False)
    change = reverse(f"admin:{prefix}_change", args=[record.pk])

    page = ada.get(change)
    assert page.status_code == HTTPStatus.OK
    assert b'name="_save"' not in page.content  # shown read-only
    data = {**form_data(page), **ALTERED[prefix], "_save": "Save"}
    before = audit_rows()
    response, changes, writes = perform(lambda: ada.post(change, data))

    STATS["immutability attempts"] += 1
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert (changes, writes) == ([], [])
    assert audit_rows() == before


@pytest.mark.parametrize("prefix", list(ALTERED))
def test_the_superuser_cannot_delete_it_in_the_admin(world, prefix):
    record = records(world)[prefix]
    ada = browser(world.users["ada"], enforce_csrf_checks=False)
    before = audit_rows()

    delete = reverse(f"admin:{prefix}_delete", args=[record.pk])
    response, changes, writes = perform(lambda: ada.post(delete, {"post": "yes"}))
    # 403, or (the closed review) the page naming the statements that protect it
    assert response.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.OK)
    assert (changes, writes) == ([], [])

    changelist = reverse(f"admin:{prefix}_changelist")
    bulk = {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"}
    response, changes, writes = perform(lambda: ada.post(changelist, bulk))
    # The action is not offered where deleting is not allowed: nothing happens.
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    assert (changes, writes) == ([], [])
    assert type(record)._base_manager.filter(pk=record.pk).exists()
    assert audit_rows() == before
    STATS["immutability attempts"] += 2


def test_publishing_twice_or_bulk_deleting_published_guidelines_is_refused(world):
    hana = browser(world.users["hana"], enforce_csrf_checks=False)
    changelist = reverse("admin:mentorship_guideline_changelist")
    before = snapshot()

    both = [world.guideline.pk, world.draft_guideline.pk]
    response = hana.post(
        changelist, {"action": "delete_selected", "_selected_action": both, "post": "yes"}
    )

    # Guidelines are never deleted through the admin (agreements rest on them): the bulk delete
    # action is not offered, the changelist says no action was chosen; nothing goes.
    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    assert snapshot() == before
    # Publishing a published version again, through its confirmation: sent back, unchanged.
    publish = reverse("admin:mentorship_guideline_publish", args=[world.guideline.pk])
    response = hana.post(publish, {"replacing_version": "1", "fingerprint": ""})
    assert response.status_code == HTTPStatus.FOUND
    world.guideline.refresh_from_db()
    assert world.guideline.version == 1
    assert snapshot() == before
    STATS["immutability attempts"] += 2


def test_the_orm_refuses_to_change_access_records_and_audit_events(world, client):
    lee = world.users["lee"]
    client.force_login(lee)
    client.get(reverse("promotions:review", args=[world.reviews["open"].pk]))
    shown = StatementView.objects.filter(viewer=lee).first()
    event = AuditEvent.objects.order_by("-pk").first()

    for record in (shown, event):
        with pytest.raises(PublishedRecordError):
            record.save()
        with pytest.raises(PublishedRecordError):
            record.delete()
        STATS["immutability attempts"] += 2
    assert StatementView.objects.filter(pk=shown.pk).exists()


def test_a_published_guideline_refuses_the_orm(world):
    guideline = Guideline.objects.get(pk=world.guideline.pk)
    guideline.body = "Rewritten."
    with pytest.raises(PublishedRecordError):
        guideline.save()
    with pytest.raises(PublishedRecordError):
        guideline.delete()
    published = Guideline.objects.filter(pk=guideline.pk)
    with pytest.raises(PublishedRecordError):
        published.update(body="Rewritten.")
    with pytest.raises(PublishedRecordError):
        published.delete()
    STATS["immutability attempts"] += 4
    assert published.get().body == world.guideline.body
    assert Statement.objects.filter(pk=world.statements["shared"].pk).exists()
