"""My mentoring, for a supervisor: each assessment still to write, one click from its page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from promotions.models import PromotionReview
from promotions.services import assessment_write
from tests.factories import PromotionReviewFactory

pytestmark = pytest.mark.django_db

DUE = "Your assessment of Carol Chen for Team lead is due"


def dashboard(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("mentorship:dashboard")).content.decode()


def test_sam_is_told_of_each_assessment_due_with_a_link_to_write_it(world, client):
    second = PromotionReviewFactory(
        program=world.program, supervisor=world.supervisor, target_role="Staff engineer"
    )
    page = dashboard(client, world.supervisor)
    assert "Nothing needs your attention" not in page
    assert DUE in page
    assert f"Your assessment of {second.candidate} for Staff engineer is due" in page
    assert f'href="{world.review.assessment_url()}"' in page
    assert f'href="{second.assessment_url()}"' in page
    assert "Write the assessment" in page
    # Sam has no pair: he is not told to ask for one.
    assert "You have no pairs as mentor" not in page


def test_a_written_assessment_is_no_longer_due(world, client):
    assessment_write(review_id=world.review.pk, supervisor=world.supervisor, text="Solid year.")
    page = dashboard(client, world.supervisor)
    assert DUE not in page
    assert "Solid year." not in page


@pytest.mark.parametrize("status", ["deciding", "closed"])
def test_only_a_review_not_closed_asks_for_the_assessment(world, client, status):
    world.review.status = status
    if status == PromotionReview.Status.CLOSED:
        world.close_review()
    else:
        world.review.save(update_fields=["status"])
    page = dashboard(client, world.supervisor)
    assert (DUE in page) == (status != PromotionReview.Status.CLOSED)


@pytest.mark.parametrize(
    "role", ["mentor", "mentee", "panel_member", "program_admin", "superuser", "outsider"]
)
def test_nobody_but_the_supervisor_is_asked_for_the_assessment(world, client, role):
    page = dashboard(client, world.person(role))
    assert DUE not in page
    assert world.review.assessment_url() not in page


@pytest.mark.parametrize("state", ["awaiting_consent", "shared", "declined", "withdrawn"])
def test_the_supervisor_never_sees_statements(world, client, state):
    statement = world.statement(state, text="Carol rebuilt the onboarding in a month.")
    page = dashboard(client, world.supervisor)
    assert "rebuilt the onboarding" not in page
    assert f"statement-{statement.pk}" not in page
    assert "Maria Lopez" not in page
