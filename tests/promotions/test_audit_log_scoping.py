"""A program admin who sits on a panel, or is the mentee a statement is about, cannot read
those statements' events in the trail."""

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


def test_a_program_admin_does_not_see_events_of_statements_about_themselves(client):
    # A mentee's drafts are not theirs to know about: not even that one was written or revised.
    admin_as_mentee = ProgramAdminFactory()
    review = PromotionReviewFactory(candidate=admin_as_mentee)
    about_them = StatementFactory(review=review, pair__mentee=admin_as_mentee)
    elsewhere = StatementFactory()
    audit_record(actor=None, action=Action.STATEMENT_REVISED, target=about_them)
    audit_record(actor=None, action=Action.STATEMENT_REVISED, target=elsewhere)

    visible = audit_events_visible_to(admin_as_mentee)
    assert list(visible.values_list("target_id", flat=True)) == [str(elsewhere.pk)]

    client.force_login(admin_as_mentee)
    changelist = client.get(reverse("admin:mentorship_auditevent_changelist"))
    assert changelist.context["cl"].result_count == 1
    statements = client.get(reverse("admin:promotions_statement_changelist"))
    assert statements.context["cl"].result_count == 1


def test_other_program_admins_see_both(client):
    review = PromotionReviewFactory()
    audit_record(actor=None, action=Action.CONSENT_DECLINED, target=StatementFactory(review=review))
    audit_record(actor=None, action=Action.CONSENT_DECLINED, target=StatementFactory())
    assert audit_events_visible_to(ProgramAdminFactory()).count() == 2


def test_participants_see_no_trail_at_all():
    audit_record(actor=None, action=Action.CONSENT_DECLINED, target=StatementFactory())
    assert audit_events_visible_to(UserFactory()).count() == 0
