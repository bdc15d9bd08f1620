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


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("app", "codenames"),
    [
        (
            "agreements",
            {
                "add_question",
                "change_question",
                "delete_question",
                "view_question",
                "view_agreement",
                "view_signature",
                "view_guidelineacknowledgement",
            },
        ),
        (
            "promotions",
            {
                "add_promotionreview",
                "change_promotionreview",
                "view_promotionreview",
                "add_panelseat",
                "change_panelseat",
                "delete_panelseat",
                "view_panelseat",
                "view_statement",
                "add_breachphrase",
                "change_breachphrase",
                "delete_breachphrase",
                "view_breachphrase",
            },
        ),
    ],
)
def test_program_admins_have_exactly_these_permissions_in_each_app(app, codenames):
    """Spelled out here, apart from the declaration, so a change to it is a visible choice."""
    in_app = {p.split(".", 1)[1] for p in group_permissions() if p.startswith(f"{app}.")}
    assert in_app == codenames


@pytest.mark.django_db(transaction=True)
def test_group_is_restored_after_a_flush():
    call_command("flush", "--no-input")
    assert group_permissions() == declared()
