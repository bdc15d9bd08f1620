"""Publishing freezes a guideline; a change is a new version."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.utils import InternalError

from mentorship.models import AuditEvent, Guideline, PublishedRecordError
from mentorship.services import guideline_new_draft, guideline_publish
from tests.factories import GuidelineFactory, ProgramAdminFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_publishing_assigns_the_next_version_and_audits():
    admin = ProgramAdminFactory()
    first = GuidelineFactory()
    second = GuidelineFactory(program=first.program)
    guideline_publish(guideline_id=first.pk, by=admin)
    published = guideline_publish(guideline_id=second.pk, by=admin)
    assert published.version == 2
    assert published.is_published
    assert first.program.current_guideline() == published
    event = AuditEvent.objects.get(target_id=str(published.pk))
    assert event.action == "guideline.published"
    assert event.payload == {"program": first.program_id, "version": 2}


def test_only_program_admins_publish():
    draft = GuidelineFactory()
    with pytest.raises(PermissionDenied):
        guideline_publish(guideline_id=draft.pk, by=UserFactory())
    draft.refresh_from_db()
    assert draft.status == Guideline.Status.DRAFT


def test_a_published_guideline_refuses_save_and_delete():
    guideline = guideline_publish(guideline_id=GuidelineFactory().pk, by=ProgramAdminFactory())
    guideline.body = "changed"
    with pytest.raises(PublishedRecordError):
        guideline.save()
    with pytest.raises(PublishedRecordError):
        guideline.delete()


def test_new_draft_copies_the_published_text():
    admin = ProgramAdminFactory()
    published = guideline_publish(guideline_id=GuidelineFactory().pk, by=admin)
    draft = guideline_new_draft(source=published, by=admin)
    assert draft.status == Guideline.Status.DRAFT
    assert draft.body == published.body
    assert draft.version is None


@pytest.mark.postgres
def test_database_refuses_update_of_published_guideline():
    guideline = guideline_publish(guideline_id=GuidelineFactory().pk, by=ProgramAdminFactory())
    with pytest.raises(InternalError), transaction.atomic():
        QuerySet(Guideline).filter(pk=guideline.pk).update(body="rewritten")
    with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE mentorship_guideline SET body = 'raw' WHERE id = %s", [guideline.pk])
    guideline.refresh_from_db()
    assert guideline.body != "raw"
