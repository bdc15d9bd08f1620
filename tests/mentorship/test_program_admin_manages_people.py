"""Program admins add and change people, never with superuser rights: no access fields, no
passwords, no change of the email or username a sign-in is matched by, and no superuser at all,
whatever the form posts (issue 15)."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from mentorship.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ACCESS = ["is_superuser", "is_staff", "groups", "user_permissions", "password"]


@pytest.fixture
def hana(client, program_admin):
    client.force_login(program_admin)
    return program_admin


@pytest.fixture
def carol():
    return UserFactory(username="carol", full_name="Carol Chen", email="carol@example.com")


def form_fields(response) -> set[str]:
    return set(response.context["adminform"].form.fields)


def test_the_add_form_has_no_access_or_password_fields(client, hana):
    response = client.get(reverse("admin:mentorship_user_add"))
    assert response.status_code == HTTPStatus.OK
    assert form_fields(response) == {
        "username", "full_name", "email", "department", "manager", "supervisor"
    }  # fmt: skip


def test_a_program_admin_adds_a_person_without_a_password_and_without_rights(client, hana):
    group = Group.objects.get(name="Program admins")
    response = client.post(
        reverse("admin:mentorship_user_add"),
        {
            "username": "nina",
            "full_name": "Nina New",
            "email": "nina@example.com",
            "department": "Sales",
            "manager": str(hana.pk),
            # Tampering: none of these are fields of her form.
            "is_superuser": "on",
            "is_staff": "on",
            "groups": [str(group.pk)],
            "password1": "Sesame-open-42",
            "password2": "Sesame-open-42",
            "usable_password": "true",
        },
    )
    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    nina = User.objects.get(username="nina")
    assert (nina.full_name, nina.department, nina.manager) == ("Nina New", "Sales", hana)
    assert not nina.is_superuser
    assert not nina.is_staff
    assert not nina.groups.exists()
    assert not nina.has_usable_password()


def test_the_change_form_has_no_access_fields(client, hana, carol):
    response = client.get(reverse("admin:mentorship_user_change", args=[carol.pk]))
    assert response.status_code == HTTPStatus.OK
    assert form_fields(response) & set(ACCESS) == set()
    assert form_fields(response) == {
        "full_name", "time_zone", "department", "manager", "supervisor", "is_active"
    }  # fmt: skip


def test_posting_access_fields_to_the_change_form_changes_nothing_but_the_person(
    client, hana, carol
):
    group = Group.objects.get(name="Program admins")
    response = client.post(
        reverse("admin:mentorship_user_change", args=[carol.pk]),
        {
            "full_name": "Carol Chen-Li",
            "time_zone": "",
            "department": "Finance",
            "is_active": "on",
            "is_superuser": "on",
            "is_staff": "on",
            "groups": [str(group.pk)],
            "user_permissions": [],
            "email": "hana-now@example.com",
            "username": "hijacked",
            "password": "plain",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    carol.refresh_from_db()
    assert (carol.full_name, carol.department) == ("Carol Chen-Li", "Finance")
    assert (carol.username, carol.email) == ("carol", "carol@example.com")
    assert not carol.is_superuser
    assert not carol.is_staff
    assert not carol.groups.exists()
    assert carol.check_password("pw")


def test_a_program_admin_cannot_raise_herself(client, hana):
    client.post(
        reverse("admin:mentorship_user_change", args=[hana.pk]),
        {"full_name": hana.full_name, "is_active": "on", "is_superuser": "on"},
    )
    hana.refresh_from_db()
    assert not hana.is_superuser


def test_a_superuser_is_read_only_to_a_program_admin(client, hana):
    root = UserFactory(username="root", full_name="Root", is_superuser=True, is_staff=True)
    page = client.get(reverse("admin:mentorship_user_change", args=[root.pk]))
    assert page.status_code == HTTPStatus.OK
    assert not page.context["has_change_permission"]
    response = client.post(
        reverse("admin:mentorship_user_change", args=[root.pk]),
        {"full_name": "Mallory", "is_active": ""},
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    root.refresh_from_db()
    assert (root.full_name, root.is_active) == ("Root", True)


def test_a_program_admin_sets_no_password(client, hana, carol):
    url = reverse("admin:auth_user_password_change", args=[carol.pk])
    assert client.get(url).status_code == HTTPStatus.FORBIDDEN
    response = client.post(url, {"password1": "Sesame-open-42", "password2": "Sesame-open-42"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    carol.refresh_from_db()
    assert carol.check_password("pw")


def test_a_program_admin_deletes_nobody(client, hana, carol):
    url = reverse("admin:mentorship_user_delete", args=[carol.pk])
    assert client.post(url, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    assert User.objects.filter(pk=carol.pk).exists()


def test_a_superuser_still_has_every_field(client, carol):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    response = client.get(reverse("admin:mentorship_user_change", args=[carol.pk]))
    assert {"is_superuser", "is_staff", "groups", "email", "password"} <= form_fields(response)


def test_another_program_admin_is_read_only_to_a_program_admin(client, hana):
    # Found by review: she could deactivate a peer, or revive an account a superuser closed.
    from tests.factories import ProgramAdminFactory

    peer = ProgramAdminFactory(username="ines", full_name="Ines Ibarra")
    page = client.get(reverse("admin:mentorship_user_change", args=[peer.pk]))
    assert not page.context["has_change_permission"]
    response = client.post(
        reverse("admin:mentorship_user_change", args=[peer.pk]),
        {"full_name": "Ines Ibarra", "is_active": ""},
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    peer.refresh_from_db()
    assert peer.is_active


def test_a_person_is_not_added_twice_under_one_email(client, hana, carol):
    # Single sign-on links a first login by email: a second account would lock Carol out.
    response = client.post(
        reverse("admin:mentorship_user_add"),
        {"username": "carol2", "full_name": "Carol Copy", "email": "CAROL@example.com"},
    )
    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.errors["email"] == [
        "Someone here already has this email."
    ]
    assert not User.objects.filter(username="carol2").exists()
