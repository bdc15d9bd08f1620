"""Who is a program admin is asked of the database once per request, however often it is
asked; a new request (a new user object) asks again."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from mentorship.models import User
from mentorship.permissions import is_program_admin
from mentorship.roles import PROGRAM_ADMINS_GROUP
from tests.factories import ProgramAdminFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_asked_twice_the_groups_are_read_once(django_assert_num_queries):
    admin = User.objects.get(pk=ProgramAdminFactory().pk)
    with django_assert_num_queries(1):
        assert is_program_admin(admin)
        assert is_program_admin(admin)


def test_a_removal_counts_from_the_next_request():
    admin = ProgramAdminFactory()
    admin.groups.remove(Group.objects.get(name=PROGRAM_ADMINS_GROUP))
    assert not is_program_admin(User.objects.get(pk=admin.pk))


@pytest.mark.parametrize(
    ("staff", "in_group", "expected"),
    [(True, True, True), (True, False, False), (False, True, False)],
)
def test_staff_in_the_group_and_no_one_else(staff, in_group, expected):
    user = UserFactory(is_staff=staff)
    if in_group:
        user.groups.add(Group.objects.get(name=PROGRAM_ADMINS_GROUP))
    assert is_program_admin(User.objects.get(pk=user.pk)) is expected
