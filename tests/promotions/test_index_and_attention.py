"""The reviews list, the dashboard's attention items and the pair page's review card."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from mentorship.selectors import attention_for
from promotions.models import PromotionReview
from tests.factories import PairFactory, PromotionReviewFactory
from tests.promotions.conftest import without_csrf

pytestmark = pytest.mark.django_db


def index(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("promotions:index"))
    assert response.status_code == HTTPStatus.OK
    return without_csrf(response.content).decode()


@pytest.mark.parametrize(
    ("role", "section", "link", "what_to_do"),
    [
        ("panel_member", "On the panel", "get_absolute_url", "Read the review"),
        ("mentor", "Your mentees' reviews", "input_url", "your input: 1 awaiting consent"),
        ("mentee", "Your own reviews", "consent_url", "1 awaiting your consent"),
        ("supervisor", "As supervisor", "assessment_url", "Write your assessment"),
    ],
)
def test_each_role_finds_the_review_with_what_they_can_do(
    world, client, role, section, link, what_to_do
):
    world.statement("awaiting_consent")
    page = index(client, world.person(role))
    assert section in page
    assert getattr(world.review, link)() in page
    assert what_to_do in page


def test_the_panel_section_says_nothing_about_unshared_input(world, client):
    baseline = index(client, world.panel_member)
    world.statement("awaiting_consent")
    world.statement("declined")
    assert index(client, world.panel_member) == baseline


@pytest.mark.parametrize("role", ["outsider", "program_admin", "other_panel_member"])
def test_uninvolved_people_see_an_empty_state(world, client, role):
    page = index(client, world.person(role))
    assert "Carol Chen" not in page
    if role != "other_panel_member":
        assert "You are not involved in any promotion review." in page


# --- Attention items ------------------------------------------------------------------------


def messages_for(user) -> list[str]:
    return [item.message for item in attention_for(user)]


def test_the_mentee_is_asked_for_consent(world):
    statement = world.statement("awaiting_consent")
    [item] = [i for i in attention_for(world.mentee) if "consent" in i.message]
    assert "Maria Lopez asks for your consent" in item.message
    assert item.url == f"{world.review.consent_url()}#statement-{statement.pk}"


def test_the_mentor_is_invited_until_they_write_something(world):
    assert any("invited to give input" in m for m in messages_for(world.mentor))
    world.statement("draft")
    assert not any("invited to give input" in m for m in messages_for(world.mentor))


def test_the_mentor_hears_of_declined_and_withdrawn_statements(world):
    world.statement("declined")
    world.statement("withdrawn", kind="engagement")
    mentor = messages_for(world.mentor)
    assert any("Carol Chen declined to share your advocacy statement" in m for m in mentor)
    assert any("Carol Chen withdrew consent for your engagement statement" in m for m in mentor)


def test_nobody_else_gets_promotion_items(world):
    world.statement("awaiting_consent")
    world.statement("declined")
    for role in ("panel_member", "program_admin", "outsider"):
        assert messages_for(world.person(role)) == [], role
    # The supervisor hears only of their own assessment, never of mentor input.
    assert messages_for(world.supervisor) == [
        "Your assessment of Carol Chen for Team lead is due: the panel reads it with the review."
    ]


def test_closed_reviews_need_no_attention(world):
    world.statement("awaiting_consent")
    world.close_review()
    assert not any("consent" in m for m in messages_for(world.mentee))
    assert not any("invited" in m for m in messages_for(world.mentor))


def test_the_dashboard_shows_the_items(world, client):
    world.statement("awaiting_consent")
    client.force_login(world.mentee)
    page = client.get(reverse("mentorship:dashboard")).content.decode()
    assert "Maria Lopez asks for your consent" in page
    assert "Read and decide" in page


# --- The pair page's card -------------------------------------------------------------------


def render_card(pair, user) -> str:
    template = Template("{% load promotions_tags %}{% pair_reviews pair user %}")
    return template.render(Context({"pair": pair, "user": user}))


def test_the_card_links_each_member_to_their_page(world):
    mentor_card = render_card(world.pair, world.mentor)
    assert world.review.input_url() in mentor_card
    assert "Carol Chen is being reviewed for Team lead" in mentor_card
    mentee_card = render_card(world.pair, world.mentee)
    assert world.review.consent_url() in mentee_card
    assert world.review.input_url() not in mentee_card


def test_the_card_is_empty_for_others_closed_reviews_and_other_programs(world):
    assert render_card(world.pair, world.panel_member).strip() == ""
    world.close_review()
    assert render_card(world.pair, world.mentor).strip() == ""
    other = PairFactory(mentee=world.mentee)  # another program
    PromotionReviewFactory(candidate=world.mentee)  # a review in yet another program
    assert render_card(other, other.mentor).strip() == ""


def test_a_closed_review_asks_the_candidate_for_nothing(world, client):
    # Consent cannot be given once a review is closed, so neither the list of reviews nor the
    # dashboard may ask for it.
    world.statement("awaiting_consent")
    world.review.status = PromotionReview.Status.CLOSED
    world.review.closed_at = timezone.now()
    world.review.save(update_fields=["status", "closed_at"])

    mentee = index(client, world.mentee)

    assert world.review.consent_url() in mentee
    assert "awaiting your consent" not in mentee
    assert "Read and decide" not in mentee
    assert "See mentor input" in mentee
    assert not [item for item in attention_for(world.mentee) if "consent" in item.message]
