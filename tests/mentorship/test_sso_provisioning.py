"""Just-in-time provisioning from the identity provider's claims (mentorship.sso.provision):
the first login creates the person, later logins update them, the group claim decides
program-admin membership, and what must be refused is refused with a message for the person."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured

from mentorship import sso
from mentorship.models import SingleSignOnIdentity, User
from mentorship.permissions import is_program_admin
from mentorship.roles import PROGRAM_ADMINS_GROUP
from tests.factories import UserFactory
from tests.factories.worlds import person

pytestmark = pytest.mark.django_db

ISSUER = "https://login.example.com"


@pytest.fixture(autouse=True)
def _sso(settings):
    settings.SSO_ENABLED = True
    settings.OIDC_OP_ISSUER = ISSUER
    settings.SSO_CLAIM_MAP = ["full_name=name"]
    settings.SSO_PROGRAM_ADMIN_GROUP = "mentoring-admins"


def claims(**overrides):
    return {
        "sub": "00u1",
        "email": "Nora.Quist@example.com",
        "email_verified": True,
        "name": "Nora  Quist",
        **overrides,
    }


def fresh(user: User) -> User:
    # is_program_admin keeps its answer on the object for the request; ask a new one.
    return User.objects.get(pk=user.pk)


def test_first_login_creates_the_person_from_the_claims_without_a_password():
    user = sso.provision(issuer=ISSUER, subject="00u1", claims=claims())
    assert (user.username, user.email, user.full_name) == (
        "nora.quist@example.com",
        "Nora.Quist@example.com",
        "Nora Quist",
    )
    assert not user.has_usable_password()
    assert not user.is_staff
    assert SingleSignOnIdentity.objects.get(user=user).subject == "00u1"


def test_a_later_login_updates_the_person_found_by_subject_not_email():
    user = sso.provision(issuer=ISSUER, subject="00u1", claims=claims())
    again = sso.provision(
        issuer=ISSUER,
        subject="00u1",
        claims=claims(email="nora.berg@example.com", name="Nora Berg"),
    )
    assert again.pk == user.pk
    assert (again.email, again.full_name) == ("nora.berg@example.com", "Nora Berg")
    assert User.objects.count() == 1


def test_an_existing_account_is_linked_once_by_its_email():
    carol = person("carol", email="carol@example.com")
    user = sso.provision(
        issuer=ISSUER, subject="c-1", claims=claims(email="CAROL@example.com", name="Carol Chen")
    )
    assert user.pk == carol.pk
    assert carol.sso_identities.get().subject == "c-1"


def test_a_new_email_another_account_has_is_not_copied():
    user = sso.provision(issuer=ISSUER, subject="00u1", claims=claims())
    carol = person("carol", email="carol@example.com")
    again = sso.provision(issuer=ISSUER, subject="00u1", claims=claims(email="Carol@example.com"))
    assert again.pk == user.pk
    assert again.email == "Nora.Quist@example.com"
    assert list(User.objects.filter(email__iexact="carol@example.com")) == [carol]
    # Carol's own first login still finds her account.
    assert sso.provision(issuer=ISSUER, subject="c-1", claims=claims(email=carol.email)) == carol


def test_an_email_reassigned_to_another_subject_does_not_open_the_account():
    sso.provision(issuer=ISSUER, subject="00u1", claims=claims())
    with pytest.raises(sso.Refused, match="already linked"):
        sso.provision(issuer=ISSUER, subject="someone-else", claims=claims())
    assert User.objects.count() == 1


@pytest.mark.parametrize("verified", [False, "false", None, "yes", 1])
def test_an_unverified_email_is_refused_and_nobody_is_created(verified):
    refused = claims(email_verified=verified)
    if verified is None:
        del refused["email_verified"]
    with pytest.raises(sso.Refused, match="did not confirm that its email address is verified"):
        sso.provision(issuer=ISSUER, subject="00u1", claims=refused)
    assert not User.objects.exists()


def test_no_email_is_refused():
    with pytest.raises(sso.Refused, match="did not share an email"):
        sso.provision(issuer=ISSUER, subject="00u1", claims=claims(email=""))


def test_a_superuser_never_logs_in_through_the_provider():
    admin = UserFactory(username="root", email="root@example.com", is_superuser=True)
    with pytest.raises(sso.Refused, match="administrator account"):
        sso.provision(issuer=ISSUER, subject="r", claims=claims(email="root@example.com"))
    assert not admin.sso_identities.exists()


def test_a_deactivated_account_is_refused():
    person("carol", email="carol@example.com", is_active=False)
    with pytest.raises(sso.Refused, match="deactivated"):
        sso.provision(issuer=ISSUER, subject="c", claims=claims(email="carol@example.com"))


def test_the_group_claim_grants_and_takes_program_admin_membership():
    user = sso.provision(
        issuer=ISSUER, subject="00u1", claims=claims(groups=["staff", "mentoring-admins"])
    )
    assert is_program_admin(fresh(user))
    assert fresh(user).is_staff
    sso.provision(issuer=ISSUER, subject="00u1", claims=claims(groups=["staff"]))
    assert not is_program_admin(fresh(user))
    assert not fresh(user).is_staff


def test_without_the_setting_the_group_claim_changes_nothing(settings):
    settings.SSO_PROGRAM_ADMIN_GROUP = ""
    hana = person("hana", email="hana@example.com", is_staff=True)
    hana.groups.add(Group.objects.get_or_create(name=PROGRAM_ADMINS_GROUP)[0])
    sso.provision(issuer=ISSUER, subject="h", claims=claims(email="hana@example.com", groups=[]))
    assert is_program_admin(fresh(hana))


def test_the_claims_map_fills_the_named_fields(settings):
    settings.SSO_CLAIM_MAP = ["full_name=displayName", "time_zone=zoneinfo"]
    user = sso.provision(
        issuer=ISSUER,
        subject="00u1",
        claims=claims(displayName="N. Quist", zoneinfo="Europe/Oslo"),
    )
    assert (user.full_name, user.time_zone) == ("N. Quist", "Europe/Oslo")


@pytest.mark.parametrize("entry", ["is_superuser=admin", "email=mail", "full_name="])
def test_the_claims_map_refuses_fields_the_provider_may_not_set(settings, entry):
    settings.SSO_CLAIM_MAP = [entry]
    with pytest.raises(ImproperlyConfigured, match="DJANGO_OIDC_CLAIM_MAP"):
        sso.claim_map()


def test_the_department_and_the_manager_come_from_the_claims(settings):
    settings.SSO_CLAIM_MAP = ["full_name=name", "department=department"]
    settings.SSO_CLAIM_MANAGER_EMAIL = "manager_email"
    boss = UserFactory(email="Ida.Boss@example.com")
    user = sso.provision(
        issuer=ISSUER,
        subject="00u1",
        claims=claims(department="Platform", manager_email="ida.boss@EXAMPLE.com"),
    )
    assert (user.department, user.manager) == ("Platform", boss)


@pytest.mark.parametrize("named", ["nobody@example.com", "Nora.Quist@example.com", "", 7])
def test_a_manager_not_known_here_leaves_the_manager_as_it_was(settings, named):
    settings.SSO_CLAIM_MANAGER_EMAIL = "manager_email"
    boss = UserFactory(email="ida.boss@example.com")
    user = sso.provision(
        issuer=ISSUER, subject="00u1", claims=claims(manager_email="ida.boss@example.com")
    )
    again = sso.provision(issuer=ISSUER, subject="00u1", claims=claims(manager_email=named))
    assert fresh(again).manager == boss
    assert again.pk == user.pk


@pytest.mark.parametrize("groups", [7, {"mentoring-admins": True}, [7, None]])
def test_a_group_claim_of_another_shape_names_no_group(groups):
    user = sso.provision(issuer=ISSUER, subject="00u1", claims=claims(groups=groups))
    assert not is_program_admin(fresh(user))
    assert not user.is_staff


def test_losing_the_group_claim_keeps_admin_access_another_group_gives():
    other = Group.objects.create(name="Auditors")
    user = sso.provision(issuer=ISSUER, subject="00u1", claims=claims(groups=["mentoring-admins"]))
    user.groups.add(other)
    again = sso.provision(issuer=ISSUER, subject="00u1", claims=claims(groups=[]))
    assert not is_program_admin(fresh(again))
    assert fresh(again).is_staff
    again.groups.remove(other)
    last = sso.provision(issuer=ISSUER, subject="00u1", claims=claims(groups=[]))
    assert not fresh(last).is_staff
