"""What of the audit trail a program admin reads: the whole operational chain, the same for
every admin; events about statements and assessments are in the confidential chain, which no
admin page shows (not to a panel member, not to the mentee, not to anyone)."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from mentorship.audit import Action, audit_events_visible_to, audit_record
from mentorship.models import AuditEvent, ConfidentialAuditEvent
from tests.factories import (
    PairFactory,
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

    assert not audit_events_visible_to(admin_on_panel).filter(target_type="promotions.statement")
    assert ConfidentialAuditEvent.objects.count() == 2

    client.force_login(admin_on_panel)
    response = client.get(reverse("admin:mentorship_auditevent_changelist"))
    assert response.status_code == HTTPStatus.OK
    assert response.context["cl"].result_count == 0


def test_a_program_admin_does_not_see_events_of_statements_about_themselves(client):
    # A mentee's drafts are not theirs to know about: not even that one was written or revised.
    admin_as_mentee = ProgramAdminFactory()
    review = PromotionReviewFactory(candidate=admin_as_mentee)
    about_them = StatementFactory(review=review, pair__mentee=admin_as_mentee)
    elsewhere = StatementFactory()
    audit_record(actor=None, action=Action.STATEMENT_REVISED, target=about_them)
    audit_record(actor=None, action=Action.STATEMENT_REVISED, target=elsewhere)

    assert audit_events_visible_to(admin_as_mentee).count() == 0

    client.force_login(admin_as_mentee)
    changelist = client.get(reverse("admin:mentorship_auditevent_changelist"))
    assert changelist.context["cl"].result_count == 0


def test_every_program_admin_reads_the_same_whole_operational_chain():
    on_panel = ProgramAdminFactory()
    review = PromotionReviewFactory()
    PanelSeatFactory(review=review, user=on_panel)
    audit_record(actor=None, action=Action.REVIEW_STATUS_CHANGED, target=review)
    audit_record(actor=None, action=Action.CONSENT_DECLINED, target=StatementFactory(review=review))
    audit_record(actor=None, action=Action.ASSESSMENT_WRITTEN, target=review)
    audit_record(actor=None, action=Action.AGREEMENT_SIGNED, target=PairFactory())

    for admin in (on_panel, ProgramAdminFactory()):
        seen = audit_events_visible_to(admin).order_by("id")
        assert list(seen) == list(AuditEvent.objects.order_by("id"))
        assert [e.action for e in seen] == [
            Action.REVIEW_STATUS_CHANGED,
            Action.AGREEMENT_SIGNED,
        ]


def test_participants_see_no_trail_at_all():
    audit_record(actor=None, action=Action.AGREEMENT_SIGNED, target=PairFactory())
    assert audit_events_visible_to(UserFactory()).count() == 0
