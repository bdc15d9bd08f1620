"""The panel page's reads compiled once per process (promotions.views._PANEL_REVIEW,
_PANEL_STATEMENTS, _PANEL_NAMES) answer what the permission layer's querysets answer, for every
role asked in turn: the review and its seat through PromotionReview.objects.seated_with_visit,
the statements through Statement.objects.for_panel_member (itself compared with
visible_to(user).for_panel(review) in test_panel_member_scope.py, and here again). Only a
seated member gets anything; everyone else gets nothing and the page answers 404."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from mentorship.models import User
from promotions.models import PromotionReview, Statement
from promotions.services import review_change_status, review_record_outcome
from promotions.views import (
    _PANEL_REVIEW,
    _PANEL_STATEMENTS,
    PANEL_PAGE_FIELDS,
    _seated_review,
    _shown_to_panel_member,
    panel_names,
    panel_of,
)
from tests.factories import PanelSeatFactory
from tests.factories.worlds import STATE_FACTORIES

pytestmark = pytest.mark.django_db

ROLES = (
    "panel_member",
    "other_panel_member",  # a leader seated on another review only
    "mentor",
    "mentee",  # the candidate
    "supervisor",
    "program_admin",
    "superuser",
    "outsider",
)

# What the page reads of the review, and what the read adds to it.
REVIEW_FIELDS = (
    "pk",
    *PANEL_PAGE_FIELDS,
    "viewer_seat_id",
    "viewer_last_visit",
    "viewer_seat_for",
    "program_name",
    "candidate_name",
    "supervisor_name",
    "outcome_recorded_by_name",
)


def review_row(review: PromotionReview) -> tuple:
    return tuple(getattr(review, name) for name in REVIEW_FIELDS)


def names_as_printed(review: PromotionReview) -> tuple:
    """What the page prints of the review's people and program, read the ordinary way."""
    stored = PromotionReview.objects.get(pk=review.pk)
    recorder = stored.outcome_recorded_by
    return (
        str(stored.program),
        str(stored.candidate),
        str(stored.supervisor),
        None if recorder is None else str(recorder),
    )


def statement_rows(statements) -> list[tuple]:
    return [(s.pk, s.kind, s.text, s.consented_at, s.mentor_name) for s in statements]


def a_review_with_input_in_every_state(world) -> None:
    for state in Statement.State:
        world.statement(state)
    world.statement(Statement.State.SHARED, kind="engagement", text="We met 9 times of 14.")
    # Input shared on another review the panel member also sits on never shows here.
    elsewhere = STATE_FACTORIES[Statement.State.SHARED]()
    PanelSeatFactory(review=elsewhere.review, user=world.panel_member)


def check_every_role(world, client, review: PromotionReview) -> None:
    people = {role: world.person(role) for role in ROLES}
    people["second_panel_member"] = PanelSeatFactory(review=review).user
    seated = {"panel_member", "second_panel_member"}
    # Asked role after role: each answer must be this viewer's, not the previous one's.
    for role, user in people.items():
        prepared = _PANEL_REVIEW.instances(viewer=user.pk, review=review.pk)
        scoped = list(_seated_review(user, review.pk))
        assert [review_row(r) for r in prepared] == [review_row(r) for r in scoped], role
        assert [r.pk for r in prepared] == ([review.pk] if role in seated else []), role
        for read in prepared:
            assert review_row(read)[-4:] == names_as_printed(review), role

        shown = _PANEL_STATEMENTS.instances(viewer=user.pk, review=review.pk)
        lean = _shown_to_panel_member(user, review)
        assert statement_rows(shown) == statement_rows(lean), role
        visible = Statement.objects.visible_to(user).for_panel(review).values_list("pk", flat=True)
        if role in seated:
            assert {s.pk for s in shown} == set(visible), role
        else:
            assert shown == [], role

        client.force_login(user)
        response = client.get(review.get_absolute_url())
        expected = HTTPStatus.OK if role in seated else HTTPStatus.NOT_FOUND
        assert response.status_code == expected, role

    # The names as the pages that load whole users print them (str(user), same order).
    assert panel_names(review) == [str(user) for user in panel_of(review)]


def test_every_role_gets_what_the_scoped_querysets_give(world, client):
    a_review_with_input_in_every_state(world)
    check_every_role(world, client, world.review)
    shown = _PANEL_STATEMENTS.instances(viewer=world.panel_member.pk, review=world.review.pk)
    assert len(shown) == 2


def test_nothing_shared_is_nothing_for_everyone(world, client):
    world.statement(Statement.State.AWAITING_CONSENT)
    # A name left empty prints the username, in the subqueries as in str(user).
    User.objects.filter(pk__in=[world.supervisor.pk, world.mentee.pk]).update(full_name="")
    check_every_role(world, client, world.review)


def test_the_outcome_and_who_recorded_it_come_with_the_review(world, client):
    a_review_with_input_in_every_state(world)
    review = review_change_status(
        review_id=world.review.pk, status="deciding", by=world.program_admin
    )
    review_record_outcome(review_id=review.pk, member=world.panel_member, outcome="promoted")
    check_every_role(world, client, review)
    (read,) = _PANEL_REVIEW.instances(viewer=world.panel_member.pk, review=review.pk)
    assert read.outcome_recorded_by_id == world.panel_member.pk
    assert read.outcome_recorded_by_name == str(world.panel_member)


def test_a_missing_review_and_an_id_out_of_range_are_404(world, client):
    client.force_login(world.panel_member)
    for review_id in (world.review.pk + 1000, 2**63):
        assert client.get(f"/reviews/{review_id}/").status_code == HTTPStatus.NOT_FOUND
