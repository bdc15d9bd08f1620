"""My mentoring, for a program admin: what needs an admin (pairs waiting for a start, reviews
without a panel, how many emails could not be delivered), by name and state only."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from mentorship.models import Notification, Pair
from tests.factories import PairFactory, PromotionReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "Carol talked about leaving the company."


def dashboard(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("mentorship:dashboard"))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def section(page: str, key: str) -> str:
    start = page.index(f'<section id="{key}"')
    return page[start : page.index("</section>", start)]


def failed_email(to, **fields) -> Notification:
    return Notification.objects.create(
        recipient=to,
        kind="promotions.consent_declined",
        subject=f"Subject: {SECRET}",
        body=f"Body: {SECRET}",
        link="/reviews/1/input/",
        email=Notification.Email.FAILED,
        **fields,
    )


@pytest.fixture
def backlog(world):
    proposed = PairFactory(
        program=world.program,
        mentor=UserFactory(full_name="Priya Nair"),
        mentee=UserFactory(full_name="Tom Weber"),
        status=Pair.Status.PROPOSED,
        started_on=None,
    )
    unstaffed = PromotionReviewFactory(
        program=world.program, candidate=UserFactory(full_name="Ines Moreau"), target_role="Lead"
    )
    failed_email(world.mentor)
    failed_email(world.mentee)
    Notification.objects.create(
        recipient=world.mentee,
        kind="x",
        subject="s",
        body="b",
        link="/",
        email="sent",
        sent_at=unstaffed.created_at,
    )
    return proposed, unstaffed


def test_hana_sees_what_needs_an_admin_each_a_click_away(world, client, backlog):
    proposed, unstaffed = backlog
    admin = section(dashboard(client, world.program_admin), "admin")
    assert "What needs an admin" in admin
    assert "Priya Nair and Tom Weber (Leadership Mentoring): proposed, no start date" in admin
    assert reverse("admin:mentorship_pair_change", args=[proposed.pk]) in admin
    assert "Ines Moreau, for Lead (Leadership Mentoring): open, no panel" in admin
    assert reverse("admin:promotions_promotionreview_change", args=[unstaffed.pk]) in admin
    assert "2 emails could not be delivered." in admin
    assert reverse("admin:mentorship_notification_changelist") in admin


def test_staffed_reviews_active_pairs_and_closed_reviews_are_not_listed(world, client, backlog):
    _, unstaffed = backlog
    admin = section(dashboard(client, world.program_admin), "admin")
    # Carol's review has Lee on its panel; Maria and Carol's pair has started.
    assert "Carol Chen, for Team lead" not in admin
    assert "Maria Lopez and Carol Chen" not in admin
    unstaffed.status = "closed"
    unstaffed.closed_at = unstaffed.created_at
    unstaffed.save(update_fields=["status", "closed_at"])
    admin = section(dashboard(client, world.program_admin), "admin")
    assert "Ines Moreau" not in admin
    assert "Every open review has a panel." in admin


def test_nothing_pending_says_so(world, client):
    admin = section(dashboard(client, world.program_admin), "admin")
    assert "No proposed pair is waiting." in admin
    assert "Every email was delivered or is still being tried." in admin
    assert "could not be delivered" not in admin


def test_no_message_content_and_no_recipient_names_reach_the_dashboard(world, client, backlog):
    page = dashboard(client, world.program_admin)
    assert SECRET not in page
    assert "consent_declined" not in page
    assert "/reviews/1/input/" not in page


def test_a_superuser_sees_it_too(world, client, backlog):
    assert "2 emails could not be delivered." in dashboard(client, world.superuser)


@pytest.mark.parametrize("role", ["mentor", "mentee", "panel_member", "supervisor", "outsider"])
def test_nobody_else_sees_what_needs_an_admin(world, client, backlog, role):
    page = dashboard(client, world.person(role))
    assert 'id="admin"' not in page
    assert "Priya Nair" not in page
    assert "Ines Moreau" not in page
    assert "could not be delivered" not in page


def test_staff_outside_the_program_admins_group_see_nothing_of_it(world, client, backlog):
    page = dashboard(client, UserFactory(is_staff=True))
    assert 'id="admin"' not in page


def test_the_admin_section_does_not_depend_on_mentor_input(world, client, backlog):
    baseline = section(dashboard(client, world.program_admin), "admin")
    for state in ("shared", "declined", "withdrawn"):
        world.statement(state, kind="engagement" if state == "declined" else "advocacy")
    assert section(dashboard(client, world.program_admin), "admin") == baseline


def test_the_program_dashboard_points_to_the_worklist(world, client, backlog):
    client.force_login(world.program_admin)
    page = client.get(reverse("mentorship:program_dashboard")).content.decode()
    assert f'href="{reverse("mentorship:dashboard")}#admin"' in page
    # A link, not the list: no names of what waits there.
    assert "Priya Nair" not in page
    assert "Ines Moreau" not in page
