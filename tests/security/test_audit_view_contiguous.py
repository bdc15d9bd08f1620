"""What a program admin may read of the audit trail has no holes (issue 12, channel 4).

Before, the admin saw one chain minus the events about statements on her panel or about
herself; the missing ids and the prev_hash links that pointed at no visible event told her how
many events were hidden from her and when. Now those events are in a chain of their own that
no admin page shows, and the one she reads is whole.
"""

from __future__ import annotations

import itertools
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from mentorship.audit import (
    CONFIDENTIAL,
    OPERATIONAL,
    Action,
    audit_events_visible_to,
    audit_record,
    audit_verify,
)
from mentorship.models import AuditChainHead, AuditEvent, ConfidentialAuditEvent
from tests.factories import (
    PairFactory,
    PanelSeatFactory,
    ProgramAdminFactory,
    PromotionReviewFactory,
    PublishedGuidelineFactory,
    StatementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_on_panel_and_mentee():
    return ProgramAdminFactory()


@pytest.fixture
def mixed_trail(admin_on_panel_and_mentee, client):
    """Operational and confidential events interleaved, many of them about statements the
    admin must learn nothing about: on a review whose panel she sits on, and about herself."""
    hana = admin_on_panel_and_mentee
    on_her_panel = PromotionReviewFactory()
    PanelSeatFactory(review=on_her_panel, user=hana)
    about_her = PromotionReviewFactory(candidate=hana)
    draft_on_panel = StatementFactory(review=on_her_panel)
    draft_about_her = StatementFactory(review=about_her, pair__mentee=hana)
    elsewhere = StatementFactory()
    mentor = draft_on_panel.pair.mentor

    audit_record(actor=None, action=Action.GUIDELINE_PUBLISHED, target=PublishedGuidelineFactory())
    audit_record(actor=mentor, action=Action.STATEMENT_REVISED, target=draft_on_panel)
    audit_record(actor=mentor, action=Action.CONSENT_REQUESTED, target=draft_on_panel)
    audit_record(actor=None, action=Action.REVIEW_STATUS_CHANGED, target=on_her_panel)
    audit_record(actor=None, action=Action.STATEMENT_REVISED, target=draft_about_her)
    audit_record(actor=None, action=Action.PANEL_CHANGED, target=about_her)
    audit_record(actor=hana, action=Action.CONSENT_DECLINED, target=draft_about_her)
    audit_record(actor=None, action=Action.ASSESSMENT_WRITTEN, target=on_her_panel)
    audit_record(actor=None, action=Action.STATEMENTS_SHOWN, target=on_her_panel)
    audit_record(actor=None, action=Action.CONSENT_GRANTED, target=elsewhere)
    audit_record(actor=None, action=Action.AGREEMENT_SIGNED, target=PairFactory())
    # A probe of her panel's draft by its mentee, through the site: an access.denied about a
    # statement, between two operational events.
    client.force_login(draft_on_panel.pair.mentee)
    probe = client.get(reverse("promotions:statement_edit", args=[draft_on_panel.pk]))
    assert probe.status_code == HTTPStatus.NOT_FOUND
    client.logout()
    audit_record(actor=None, action=Action.REVIEW_STATUS_CHANGED, target=about_her)
    # A refusal is confidential wherever it happens, a pair's page too.
    client.force_login(UserFactory())
    client.get(reverse("mentorship:pair", args=[draft_about_her.pair.pk]))
    client.logout()
    return {"statements": [draft_on_panel, draft_about_her, elsewhere]}


def _assert_contiguous(events: list) -> None:
    """Oldest first: consecutive ids, each event chained onto the one before it, from the
    chain's start to its head. (PostgreSQL's sequences do not start again at 1 per test.)"""
    assert events, "the admin sees no events at all"
    first = events[0].pk
    assert [e.pk for e in events] == list(range(first, first + len(events)))
    assert events[0].prev_hash == ""
    assert not AuditEvent.objects.filter(pk__lt=first).exists()
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash, f"a hole before event #{after.pk}"
    head = AuditChainHead.objects.get(pk=OPERATIONAL.head_pk)
    assert events[-1].hash == head.last_hash, "events after the last one shown are hidden"


def test_what_the_admin_reads_is_a_whole_chain(mixed_trail, admin_on_panel_and_mentee):
    visible = list(audit_events_visible_to(admin_on_panel_and_mentee).order_by("id"))
    _assert_contiguous(visible)
    assert len(visible) == 5
    assert {e.target_type for e in visible}.isdisjoint({"promotions.statement"})
    assert Action.ACCESS_DENIED not in {e.action for e in visible}


def test_the_admin_changelist_shows_the_same_whole_chain(
    mixed_trail, admin_on_panel_and_mentee, client
):
    client.force_login(admin_on_panel_and_mentee)
    response = client.get(reverse("admin:mentorship_auditevent_changelist"))
    assert response.status_code == HTTPStatus.OK
    shown = sorted(response.context["cl"].result_list, key=lambda e: e.pk)
    _assert_contiguous(shown)
    assert response.context["cl"].result_count == AuditEvent.objects.count()


def test_confidential_events_are_a_verified_chain_of_their_own(mixed_trail):
    events = list(ConfidentialAuditEvent.objects.order_by("id"))
    assert [e.action for e in events] == [
        Action.STATEMENT_REVISED,
        Action.CONSENT_REQUESTED,
        Action.STATEMENT_REVISED,
        Action.CONSENT_DECLINED,
        Action.ASSESSMENT_WRITTEN,
        Action.STATEMENTS_SHOWN,
        Action.CONSENT_GRANTED,
        Action.ACCESS_DENIED,
        Action.ACCESS_DENIED,
    ]
    assert [e.pk for e in events] == list(range(events[0].pk, events[0].pk + len(events)))
    head = AuditChainHead.objects.get(pk=CONFIDENTIAL.head_pk)
    assert events[-1].hash == head.last_hash
    assert audit_verify() is None


def test_no_admin_page_shows_the_confidential_chain(mixed_trail, client):
    assert not admin.site.is_registered(ConfidentialAuditEvent)
    with pytest.raises(NoReverseMatch):
        reverse("admin:mentorship_confidentialauditevent_changelist")
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    response = client.get(reverse("admin:mentorship_auditevent_changelist"))
    shown = response.context["cl"].result_list
    assert {e.target_type for e in shown}.isdisjoint({"promotions.statement"})
    assert not {e.action for e in shown} & {Action.STATEMENTS_SHOWN, Action.ASSESSMENT_WRITTEN}
    index = client.get(reverse("admin:index"))
    assert b"confidentialauditevent" not in index.content.lower()
