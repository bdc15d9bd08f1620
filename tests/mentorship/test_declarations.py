"""mentorship's rules cover the models each app declares on its own AppConfig, and nothing
named only by mentorship: a model a higher app declares confidential is treated as
confidential by the admin and the audit trail, and a declaration naming nothing is refused."""

from __future__ import annotations

import pytest
from django.apps import apps

from mentorship import admin_base, audit, declarations
from mentorship.actions import Action
from promotions.models import PanelSeat, PromotionReview

PROMOTIONS = apps.get_app_config("promotions")


@pytest.fixture
def recollect(monkeypatch):
    """Collect the declarations again, as start-up would, into the modules that apply them."""

    def collect() -> None:
        monkeypatch.setattr(admin_base, "CONFIDENTIAL_FIELDS", declarations.confidential_fields())
        monkeypatch.setattr(admin_base, "CONFIDENTIAL_MODELS", declarations.confidential_models())
        monkeypatch.setattr(
            audit, "CONFIDENTIAL_TARGETS", declarations.confidential_audit_targets()
        )
        admin_base.delete_reaches_confidential.cache_clear()

    yield collect
    monkeypatch.undo()
    admin_base.delete_reaches_confidential.cache_clear()


def test_what_promotions_declares_is_what_the_rules_apply():
    for model in PROMOTIONS.confidential_models:
        assert f"promotions.{model}" in admin_base.CONFIDENTIAL_MODELS
    for model, fields in PROMOTIONS.confidential_fields.items():
        assert admin_base.CONFIDENTIAL_FIELDS[f"promotions.{model}"] == frozenset(fields)
    assert admin_base.unsafe_path(PromotionReview, "statements__isnull")
    assert admin_base.unsafe_path(PromotionReview, "supervisor_assessment")
    assert audit.chain_for(Action.REVIEW_STATUS_CHANGED, "promotions.statement") is (
        audit.CONFIDENTIAL
    )
    assert audit.chain_for(Action.ASSESSMENT_WRITTEN, "promotions.promotionreview") is (
        audit.CONFIDENTIAL
    )
    assert audit.chain_for(Action.REVIEW_STATUS_CHANGED, "promotions.promotionreview") is (
        audit.OPERATIONAL
    )


def test_a_model_a_higher_app_declares_confidential_is_treated_as_confidential(
    monkeypatch, recollect
):
    recollect()
    assert admin_base.unsafe_path(PromotionReview, "seats__user") is None
    assert not admin_base.delete_reaches_confidential(PanelSeat)
    assert audit.chain_for(Action.PANEL_CHANGED, "promotions.panelseat") is audit.OPERATIONAL

    monkeypatch.setattr(
        PROMOTIONS, "confidential_models", {*PROMOTIONS.confidential_models, "panelseat"}
    )
    monkeypatch.setattr(PROMOTIONS, "confidential_fields", {"panelseat": {"added_by"}})
    monkeypatch.setattr(PROMOTIONS, "confidential_audit_targets", {"statement", "panelseat"})
    recollect()

    assert "looks into the confidential model promotions.panelseat" in admin_base.unsafe_path(
        PromotionReview, "seats__user"
    )
    assert admin_base.unsafe_path(PanelSeat, "added_by")
    assert admin_base.delete_reaches_confidential(PanelSeat)
    assert audit.chain_for(Action.PANEL_CHANGED, "promotions.panelseat") is audit.CONFIDENTIAL


def test_the_declarations_are_checked(monkeypatch):
    assert declarations.check_declarations() == []

    monkeypatch.setattr(PROMOTIONS, "confidential_models", {"statement", "statemnet"})
    monkeypatch.setattr(PROMOTIONS, "confidential_fields", {"statement": {"txt"}})
    monkeypatch.setattr(PROMOTIONS, "confidential_audit_actions", {"review.assessment"})
    monkeypatch.setattr(PROMOTIONS, "confidential_audit_action_prefixes", ("statements.",))
    monkeypatch.setattr(PROMOTIONS, "program_admin_permissions", {"statement": ["approve"]})
    messages = [error.msg for error in declarations.check_declarations()]

    assert messages == [
        "confidential_fields names statement.txt, no such field.",
        "confidential_models names 'statemnet', which is not a model of promotions.",
        "program_admin_permissions: statement has no 'approve'.",
        "confidential_audit_actions: 'review.assessment' is not an Action.",
        "confidential_audit_action_prefixes: no Action starts 'statements.'.",
    ]
    assert {e.id for e in declarations.check_declarations()} == {"mentorship.E102"}


def test_a_model_declared_in_camel_case_is_protected_or_refused(monkeypatch, recollect):
    # get_model() finds any case, but the collectors compare with label_lower: "PanelSeat"
    # passed the check once and protected nothing.
    monkeypatch.setattr(
        PROMOTIONS, "confidential_models", {*PROMOTIONS.confidential_models, "PanelSeat"}
    )
    monkeypatch.setattr(PROMOTIONS, "confidential_audit_targets", {"statement", "PanelSeat"})
    recollect()
    refused = declarations.check_declarations() != []
    protected = (
        admin_base.unsafe_path(PromotionReview, "seats__user") is not None
        and admin_base.delete_reaches_confidential(PanelSeat)
        and audit.chain_for(Action.PANEL_CHANGED, "promotions.panelseat") is audit.CONFIDENTIAL
    )
    assert refused or protected
