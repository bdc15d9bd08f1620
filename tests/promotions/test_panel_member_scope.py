"""The panel page's leaner reads are the permission layer's answer, role by role.

StatementQuerySet.for_panel_member(user, review) must show a seated member exactly what
visible_to(user).for_panel(review) shows, and everyone else nothing; the seat annotated by
PromotionReviewQuerySet.seated_with_visit answers is_panel_member only for the user it was read
for."""

from __future__ import annotations

import pytest

from promotions.models import PanelSeatVisit, PromotionReview, Statement
from promotions.permissions import is_panel_member
from promotions.services import panel_visit_record
from tests.factories import PanelSeatFactory, ProgramAdminFactory, UserFactory
from tests.factories.worlds import STATE_FACTORIES
from tests.factories.worlds import superuser as make_superuser

pytestmark = pytest.mark.django_db


def everyone(statement: Statement) -> dict[str, object]:
    review = statement.review
    return {
        "mentor": statement.pair.mentor,
        "mentee": statement.pair.mentee,
        "panel member": PanelSeatFactory(review=review).user,
        "other panel member": PanelSeatFactory().user,
        "supervisor": review.supervisor,
        "program admin": ProgramAdminFactory(),
        "superuser": make_superuser(),
        "outsider": UserFactory(),
    }


@pytest.mark.parametrize("state", list(STATE_FACTORIES))
def test_for_panel_member_is_visible_to_for_panel_for_every_role(state):
    statement = STATE_FACTORIES[state]()
    review = statement.review
    for role, user in everyone(statement).items():
        lean = set(Statement.objects.for_panel_member(user, review).values_list("pk", flat=True))
        scoped = set(
            Statement.objects.visible_to(user).for_panel(review).values_list("pk", flat=True)
        )
        if role == "panel member":
            assert lean == scoped, (state, role)
            assert lean == ({statement.pk} if state == Statement.State.SHARED else set())
        else:
            # Not seated: the panel page is a 404, and this read shows nothing either.
            assert lean == set(), (state, role)
            assert lean <= scoped


def test_for_panel_member_hides_shared_text_whose_consent_no_longer_covers_it():
    statement = STATE_FACTORIES[Statement.State.SHARED]()
    seat = PanelSeatFactory(review=statement.review)
    Statement.objects.filter(pk=statement.pk).update(consent_text_sha256="0" * 64)

    assert not Statement.objects.for_panel_member(seat.user, statement.review).exists()
    assert not Statement.objects.visible_to(seat.user).for_panel(statement.review).exists()


def test_for_panel_member_shows_nothing_of_another_review_on_whose_panel_the_user_sits():
    statement = STATE_FACTORIES[Statement.State.SHARED]()
    elsewhere = PanelSeatFactory()

    assert not Statement.objects.for_panel_member(elsewhere.user, statement.review).exists()


def test_the_annotated_seat_answers_only_for_the_user_it_was_read_for(
    django_assert_num_queries,
):
    statement = STATE_FACTORIES[Statement.State.SHARED]()
    review = statement.review
    seated = PanelSeatFactory(review=review).user
    other_member = PanelSeatFactory(review=review).user
    outsider = UserFactory()

    as_seated = PromotionReview.objects.seated_with_visit(seated).get(pk=review.pk)

    with django_assert_num_queries(0):
        assert is_panel_member(seated, as_seated)
    # Read for someone else: asked again, not taken from the annotation.
    with django_assert_num_queries(1):
        assert is_panel_member(other_member, as_seated)
    with django_assert_num_queries(1):
        assert not is_panel_member(outsider, as_seated)


def test_seated_with_visit_is_seated_with_the_seat_and_its_last_visit():
    statement = STATE_FACTORIES[Statement.State.SHARED]()
    review = statement.review
    seat = PanelSeatFactory(review=review)
    PanelSeatFactory(review=review)  # another member: still one row per review
    elsewhere = PanelSeatFactory()
    for user in (seat.user, elsewhere.user, review.supervisor, statement.pair.mentor):
        assert list(PromotionReview.objects.seated_with_visit(user)) == list(
            PromotionReview.objects.seated(user)
        )
    read = PromotionReview.objects.seated_with_visit(seat.user).get(pk=review.pk)
    assert (read.viewer_seat_id, read.viewer_last_visit) == (seat.pk, None)

    panel_visit_record(seat=seat.pk)

    read = PromotionReview.objects.seated_with_visit(seat.user).get(pk=review.pk)
    assert read.viewer_last_visit == PanelSeatVisit.objects.get(seat=seat).last_viewed_at
