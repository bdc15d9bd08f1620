"""The permission table of domain.md, role x state x action, exercised through the views.

Reading: a role "sees" a statement when its text appears on any page that role can open.
Acting: the expected role changes the state; everyone else leaves text and state untouched, and
whoever cannot read the statement gets 404 (not a hint that it exists).
"""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils.html import escape

from mentorship.audit import Action
from mentorship.models import ConfidentialAuditEvent
from promotions.models import Statement, text_sha256
from tests.factories import worlds

pytestmark = [pytest.mark.django_db, pytest.mark.any_database]

ROLES = [role for role in worlds.ROLES if role != "anonymous"]  # anonymous: see the end
STATES = [s.value for s in Statement.State]

# domain.md: who reads a statement's text, by state.
SEES = {
    "mentor": set(STATES),
    "mentee": {"awaiting_consent", "shared", "declined", "withdrawn"},
    "panel_member": {"shared"},
}

NEW_TEXT = "Revised: Carol now leads our planning sessions with real confidence."

# action -> (role allowed, states allowed, resulting state)
ACTIONS = {
    "edit": ("mentor", set(STATES) - {"declined"}, "draft"),  # a decline is final
    "submit": ("mentor", {"draft"}, "awaiting_consent"),
    "consent": ("mentee", {"awaiting_consent"}, "shared"),
    "decline": ("mentee", {"awaiting_consent"}, "declined"),
    "withdraw": ("mentee", {"shared"}, "withdrawn"),
}


def pages_for(statement: Statement) -> list[str]:
    review = statement.review
    return [
        reverse("promotions:index"),
        reverse("promotions:review", args=[review.pk]),
        reverse("promotions:input", args=[review.pk]),
        reverse("promotions:consent", args=[review.pk]),
        reverse("promotions:assessment", args=[review.pk]),
        reverse("promotions:statement_edit", args=[statement.pk]),
        reverse("mentorship:dashboard"),
    ]


def post_action(client, action: str, statement: Statement):
    name = {
        "edit": "statement_edit",
        "submit": "statement_submit",
        "consent": "statement_consent",
        "decline": "statement_decline",
        "withdraw": "statement_withdraw",
    }[action]
    data = {
        "edit": {"text": NEW_TEXT, "action": "Save draft"},
        "consent": {"text_sha256": text_sha256(statement.text)},
        "decline": {"reason": ""},
    }.get(action, {})
    return client.post(reverse(f"promotions:{name}", args=[statement.pk]), data)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_who_reads_the_text(world, client, role, state):
    statement = world.statement(state)
    user = world.person(role)
    client.force_login(user)

    shown_on = [
        url
        for url in pages_for(statement)
        if (response := client.get(url)).status_code == HTTPStatus.OK
        and escape(statement.text).encode() in response.content
    ]

    expected = state in SEES.get(role, set())
    assert bool(shown_on) is expected, shown_on
    assert Statement.objects.visible_to(user).filter(pk=statement.pk).exists() is expected


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_who_may_act(world, client, role, state, action):
    statement = world.statement(state)
    before_text = statement.text
    client.force_login(world.person(role))

    response = post_action(client, action, statement)

    statement.refresh_from_db()
    allowed_role, allowed_states, result = ACTIONS[action]
    if role == allowed_role and state in allowed_states:
        assert response.status_code == HTTPStatus.FOUND
        assert statement.state == result
        assert statement.text == (NEW_TEXT if action == "edit" else before_text)
        return
    assert statement.state == state
    assert statement.text == before_text
    if state not in SEES.get(role, set()):
        assert response.status_code == HTTPStatus.NOT_FOUND
    else:
        # The statement is visible, but the action is not this person's or not for this state.
        assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.NOT_FOUND)


@pytest.mark.parametrize("action", list(ACTIONS))
def test_a_closed_review_freezes_its_statements(world, client, action):
    allowed_role, allowed_states, _ = ACTIONS[action]
    state = sorted(allowed_states)[0]
    statement = world.statement(state)
    world.close_review()
    client.force_login(world.person(allowed_role))

    response = post_action(client, action, statement)

    statement.refresh_from_db()
    assert statement.state == state
    assert response.status_code == HTTPStatus.FOUND
    page = client.get(response["Location"])
    assert b"The review is closed" in page.content


@pytest.mark.parametrize("role", ["supervisor", "program_admin", "superuser", "outsider"])
def test_people_off_the_panel_get_404_on_every_review_page(world, client, role):
    world.statement("shared")
    client.force_login(world.person(role))
    for name in ("review", "input", "consent"):
        response = client.get(reverse(f"promotions:{name}", args=[world.review.pk]))
        assert response.status_code == HTTPStatus.NOT_FOUND, name


def test_a_panel_member_of_another_review_sees_nothing_of_this_one(world, client):
    world.statement("shared")
    client.force_login(world.other_panel_member)
    for name in ("review", "input", "consent", "assessment"):
        response = client.get(reverse(f"promotions:{name}", args=[world.review.pk]))
        assert response.status_code == HTTPStatus.NOT_FOUND, name
    index = client.get(reverse("promotions:index"))
    assert b"Carol Chen" not in index.content


def test_only_the_panel_opens_the_panel_page_and_only_the_supervisor_the_assessment(world, client):
    review = world.review
    expectations = {
        "panel_member": {"review": 200, "assessment": 404, "input": 404, "consent": 404},
        "supervisor": {"review": 404, "assessment": 200, "input": 404, "consent": 404},
        "mentor": {"review": 404, "assessment": 404, "input": 200, "consent": 404},
        "mentee": {"review": 404, "assessment": 404, "input": 404, "consent": 200},
    }
    for role, pages in expectations.items():
        client.force_login(world.person(role))
        for name, status in pages.items():
            response = client.get(reverse(f"promotions:{name}", args=[review.pk]))
            assert response.status_code == status, (role, name)


def test_anonymous_visitors_are_sent_to_log_in(world, client):
    statement = world.statement("shared")
    response = client.get(reverse("promotions:review", args=[world.review.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in response["Location"]
    assert Statement.objects.visible_to(statement.pair.mentor).exists()


@pytest.mark.parametrize(
    ("role", "page"),
    [("outsider", "review"), ("supervisor", "review"), ("panel_member", "consent")],
)
def test_a_refused_page_leaves_an_access_denied_event(world, client, role, page):
    client.force_login(world.person(role))
    response = client.get(reverse(f"promotions:{page}", args=[world.review.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND
    event = ConfidentialAuditEvent.objects.get(action=Action.ACCESS_DENIED)
    assert event.actor == world.person(role)
    assert (event.target_type, event.target_id) == (
        "promotions.promotionreview",
        str(world.review.pk),
    )


def test_probing_a_hidden_statement_leaves_an_access_denied_event(world, client):
    statement = world.statement("draft")
    client.force_login(world.mentee)  # a draft is the mentor's alone
    response = client.get(reverse("promotions:statement_edit", args=[statement.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND
    # About a statement: in the confidential chain, which no admin page shows.
    event = ConfidentialAuditEvent.objects.get(action=Action.ACCESS_DENIED)
    assert event.target_id == str(statement.pk)
    assert statement.text not in str(event.payload)
