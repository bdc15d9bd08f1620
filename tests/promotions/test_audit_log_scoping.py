"""A program admin who sits on a panel cannot read that review's statement events in the trail."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from mentorship.audit import Action, audit_events_visible_to, audit_record
from tests.factories import (
    PanelSeatFactory,
    ProgramAdminFactory,
    PromotionReviewFactory,
    StatementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_panel_member_admin_does_not_see_their_reviews_statement_events(client):
    admin_on_panel = ProgramAdminFactory()
    review = PromotionReviewFactory()
    PanelSeatFactory(review=review, user=admin_on_panel)
    statement = StatementFactory(review=review)
    elsewhere = StatementFactory()
    audit_record(actor=None, action=Action.CONSENT_DECLINED, target=statement)
    audit_record(actor=None, action=Action.CONSENT_DECLINED, target=elsewhere)

    visible = audit_events_visible_to(admin_on_panel)
    assert list(visible.values_list("target_id", flat=True)) == [str(elsewhere.pk)]

    client.force_login(admin_on_panel)
    response = client.get(reverse("admin:mentorship_auditevent_changelist"))
    assert response.status_code == HTTPStatus.OK
    assert response.context["cl"].result_count == 1


def test_other_program_admins_see_both(client):
    review = PromotionReviewFactory()
    audit_record(actor=None, action=Action.CONSENT_DECLINED, target=StatementFactory(review=review))
    audit_record(actor=None, action=Action.CONSENT_DECLINED, target=StatementFactory())
    assert audit_events_visible_to(ProgramAdminFactory()).count() == 2


def test_participants_see_no_trail_at_all():
    audit_record(actor=None, action=Action.CONSENT_DECLINED, target=StatementFactory())
    assert audit_events_visible_to(UserFactory()).count() == 0
