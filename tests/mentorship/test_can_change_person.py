"""Who may change a person's record (the admin's change form and the people import both ask
mentorship.permissions.can_change_person)."""

from __future__ import annotations

import pytest

from mentorship.permissions import can_change_person
from tests.factories import ProgramAdminFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.any_database]


def test_only_a_superuser_changes_someone_with_admin_access(program_admin):
    person = UserFactory(username="carol")
    peer = ProgramAdminFactory(username="ines")
    root = UserFactory(username="root", is_superuser=True)
    staff_root = UserFactory(username="root2", is_superuser=True, is_staff=True)
    assert can_change_person(program_admin, person)
    for other in (peer, root, staff_root):
        assert not can_change_person(program_admin, other), other
        assert can_change_person(staff_root, other), other
    assert not can_change_person(person, UserFactory(username="dan"))
