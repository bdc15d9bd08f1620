"""The admin site's single sign-on identities: a superuser sees which provider subject opens
which account and may delete a link (the person is linked again, by verified email, at their
next login); nobody adds or edits one, and a program admin does not see them at all."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from mentorship import sso
from mentorship.models import SingleSignOnIdentity
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.any_database]

ISSUER = "https://login.example.com"


@pytest.fixture(autouse=True)
def _sso(settings):
    settings.SSO_ENABLED = True
    settings.OIDC_OP_ISSUER = ISSUER


@pytest.fixture
def identity():
    person = UserFactory(username="nora", email="nora@example.com", full_name="Nora Quist")
    return SingleSignOnIdentity.objects.create(user=person, issuer=ISSUER, subject="00u1")


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def test_a_superuser_sees_who_each_identity_opens(superuser_client, identity):
    changelist = superuser_client.get(reverse("admin:mentorship_singlesignonidentity_changelist"))
    assert changelist.status_code == HTTPStatus.OK
    assert "Nora Quist" in changelist.content.decode()

    page = superuser_client.get(
        reverse("admin:mentorship_singlesignonidentity_change", args=[identity.pk])
    )
    assert page.status_code == HTTPStatus.OK
    assert "00u1" in page.content.decode()
    assert 'name="subject"' not in page.content.decode()  # shown, not editable


def test_nobody_adds_or_edits_a_link(superuser_client, identity):
    add = reverse("admin:mentorship_singlesignonidentity_add")
    assert superuser_client.get(add).status_code == HTTPStatus.FORBIDDEN
    stranger = UserFactory(username="mallory")
    superuser_client.post(add, {"user": stranger.pk, "issuer": ISSUER, "subject": "evil"})

    change = reverse("admin:mentorship_singlesignonidentity_change", args=[identity.pk])
    superuser_client.post(change, {"user": stranger.pk, "issuer": ISSUER, "subject": "evil"})

    assert list(SingleSignOnIdentity.objects.values_list("user__username", "subject")) == [
        ("nora", "00u1")
    ]


def test_a_program_admin_does_not_see_identities(client, program_admin, identity):
    client.force_login(program_admin)
    response = client.get(reverse("admin:mentorship_singlesignonidentity_changelist"))
    assert response.status_code == HTTPStatus.FORBIDDEN
    index = client.get(reverse("admin:index")).content.decode()
    assert "single sign-on identities" not in index.lower()


def test_a_deleted_link_is_made_again_by_verified_email_at_the_next_login(
    superuser_client, identity
):
    delete = reverse("admin:mentorship_singlesignonidentity_delete", args=[identity.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == HTTPStatus.FOUND
    assert not SingleSignOnIdentity.objects.exists()

    claims = {"sub": "00u9", "email": "nora@example.com", "email_verified": True}
    user = sso.provision(issuer=ISSUER, subject="00u9", claims=claims)

    assert user.username == "nora"
    assert SingleSignOnIdentity.objects.get(user=user).subject == "00u9"
