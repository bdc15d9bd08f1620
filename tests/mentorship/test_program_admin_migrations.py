"""The data migrations' grant and revoke of the Program admins group's permissions.

Each app's migration grants its permissions through mentorship.roles.grant_in_migration, and
unapplying it revokes exactly those, through revoke_in_migration, on the historical registry.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from mentorship.roles import PROGRAM_ADMINS_GROUP, grant_in_migration, revoke_in_migration

pytestmark = [pytest.mark.django_db, pytest.mark.any_database]

MEETINGS = [("mentorship", "meeting", ["view"])]


def historical_apps():
    return MigrationExecutor(connection).loader.project_state().apps


def codenames() -> set[str]:
    group = Group.objects.get(name=PROGRAM_ADMINS_GROUP)
    return set(group.permissions.values_list("codename", flat=True))


def test_revoke_takes_back_exactly_what_was_granted():
    before = codenames()
    assert "view_meeting" in before
    revoke_in_migration(historical_apps(), MEETINGS)
    assert codenames() == before - {"view_meeting"}
    grant_in_migration(historical_apps(), MEETINGS)
    assert codenames() == before


def test_revoke_without_the_group_does_nothing():
    Group.objects.filter(name=PROGRAM_ADMINS_GROUP).delete()
    revoke_in_migration(historical_apps(), MEETINGS)
    assert not Group.objects.filter(name=PROGRAM_ADMINS_GROUP).exists()
