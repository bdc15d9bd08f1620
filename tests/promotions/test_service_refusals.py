"""Services refuse the wrong person outright and tell the right person why not."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from promotions.models import text_sha256
from promotions.services import (
    consent_decline,
    consent_grant,
    consent_withdraw,
    statement_create,
    statement_edit,
    statement_submit,
)

pytestmark = pytest.mark.django_db


def test_the_wrong_person_is_refused_without_a_reason(world):
    statement = world.statement("awaiting_consent")
    with pytest.raises(PermissionDenied):
        consent_grant(
            statement_id=statement.pk,
            mentee=world.mentor,
            text_sha256_seen=text_sha256(statement.text),
        )
    with pytest.raises(PermissionDenied):
        statement_edit(statement_id=statement.pk, mentor=world.mentee, text="Mine now.")
    with pytest.raises(PermissionDenied):
        statement_create(
            review_id=world.review.pk, mentor=world.panel_member, kind="advocacy", text="Hi."
        )


def test_the_wrong_state_is_named(world):
    draft = world.statement("draft")
    with pytest.raises(ValidationError, match="Only a shared statement can be withdrawn"):
        consent_withdraw(statement_id=draft.pk, mentee=world.mentee)
    shared = world.statement("shared")
    with pytest.raises(ValidationError, match="Only a draft can be sent for consent"):
        statement_submit(statement_id=shared.pk, mentor=world.mentor)
    with pytest.raises(ValidationError, match="not awaiting consent"):
        consent_decline(statement_id=shared.pk, mentee=world.mentee)


def test_the_terms_are_named_when_they_are_the_reason(world):
    draft = world.statement("draft")
    world.agreement.allows_advocacy = False
    world.agreement.save()
    with pytest.raises(ValidationError, match="does not allow advocacy statements"):
        statement_submit(statement_id=draft.pk, mentor=world.mentor)
    with pytest.raises(ValidationError, match="does not allow advocacy statements"):
        statement_create(
            review_id=world.review.pk, mentor=world.mentor, kind="advocacy", text="Growth."
        )


def test_a_closed_review_is_named(world):
    shared = world.statement("shared")
    world.close_review()
    with pytest.raises(ValidationError, match="The review is closed"):
        consent_withdraw(statement_id=shared.pk, mentee=world.mentee)
    with pytest.raises(ValidationError, match="The review is closed"):
        statement_create(
            review_id=world.review.pk, mentor=world.mentor, kind="advocacy", text="Growth."
        )
