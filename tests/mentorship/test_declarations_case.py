"""Attack review of the declarations: a model named in another case than its model name.

AppConfig.get_model() finds a model whatever the case, so the system check accepts
"PanelSeat", while the collectors build "promotions.PanelSeat", which no rule compares equal to
the "promotions.panelseat" it looks up: a declaration that passes the check and protects
nothing. The check refuses any name that is not the model's lowercase name.
"""

from __future__ import annotations

import pytest
from django.apps import apps

from mentorship import admin_base, audit, declarations
from mentorship.actions import Action
from promotions.models import PanelSeat, PromotionReview

PROMOTIONS = apps.get_app_config("promotions")

pytestmark = pytest.mark.any_database


@pytest.fixture
def recollect(monkeypatch):
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


def test_a_model_declared_in_camel_case_is_protected_or_refused(monkeypatch, recollect):
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
