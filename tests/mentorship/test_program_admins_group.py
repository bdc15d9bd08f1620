"""The Program admins group holds exactly the declared permissions, and heals after a flush."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from mentorship.roles import PROGRAM_ADMIN_PERMISSIONS, PROGRAM_ADMINS_GROUP


def group_permissions() -> set[str]:
    group = Group.objects.get(name=PROGRAM_ADMINS_GROUP)
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


def declared() -> set[str]:
    return {
        f"{app}.{action}_{model}"
        for app, models in PROGRAM_ADMIN_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    }


@pytest.mark.django_db
def test_group_has_exactly_the_declared_permissions():
    assert group_permissions() == declared()
    assert "promotions.change_statement" not in group_permissions()
    assert "mentorship.change_meeting" not in group_permissions()


@pytest.mark.django_db(transaction=True)
def test_group_is_restored_after_a_flush():
    call_command("flush", "--no-input")
    assert group_permissions() == declared()
