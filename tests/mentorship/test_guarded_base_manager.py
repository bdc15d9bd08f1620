"""Every guarded model's base manager is its guarded manager.

Django reaches rows through `_base_manager` for related lookups, and code may too; a plain base
manager would let `update()` and `delete()` past the guard on SQLite, where no trigger stands.
"""

from __future__ import annotations

import pytest
from django.apps import apps

from mentorship.immutability import GuardedModel, GuardedQuerySet

GUARDED = [
    model
    for model in apps.get_models()
    if issubclass(model, GuardedModel) and not model._meta.abstract
]

pytestmark = pytest.mark.any_database


def test_the_guarded_models_are_found():
    assert {m._meta.label for m in GUARDED} >= {
        "agreements.Agreement",
        "agreements.Signature",
        "mentorship.AuditEvent",
        "mentorship.Pair",
        "promotions.PromotionReview",
        "promotions.Statement",
    }


@pytest.mark.parametrize("model", GUARDED, ids=lambda m: m._meta.label)
def test_the_base_manager_is_guarded(model):
    assert isinstance(model._base_manager.all(), GuardedQuerySet)
