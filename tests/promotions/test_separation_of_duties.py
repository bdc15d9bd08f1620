"""Issue 12, channel 8: separation of duties, in the model so that admin, shell and services obey.

The candidate and the candidate's mentors (any pair, any program, any status) never sit on the
review's panel nor supervise it; nobody gives themselves a role in a review; every refusal
names the rule, and the admin shows it beside the field or inline row. Before the fix, Hana
(a program admin) could seat herself on any panel or make herself a supervisor, and the admin
accepted the candidate's own mentor on the candidate's panel.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse

from mentorship.models import Pair
from promotions.models import (
    CANDIDATE_ON_PANEL,
    CANDIDATE_STAFFS,
    MENTOR_ON_PANEL,
    MENTOR_SUPERVISES,
    SELF_CANDIDATE,
    SELF_SEATED,
    SELF_SUPERVISOR,
    PanelSeat,
    PromotionReview,
)
from tests.factories import (
    PairFactory,
    PanelSeatFactory,
    ProgramFactory,
    PromotionReviewFactory,
    UserFactory,
)
from tests.promotions.test_admin import review_form_data

pytestmark = pytest.mark.django_db


def messages_of(excinfo) -> list[str]:
    return excinfo.value.messages


# --- The model: panel seats -------------------------------------------------------------------


def test_the_candidates_mentor_never_sits_on_the_panel(world):
    with pytest.raises(ValidationError) as excinfo:
        PanelSeat.objects.create(
            review=world.review, user=world.mentor, added_by=world.program_admin
        )
    assert messages_of(excinfo) == [MENTOR_ON_PANEL]
    assert not world.review.panel.filter(pk=world.mentor.pk).exists()


@pytest.mark.parametrize("status", [s for s, _ in Pair.Status.choices])
def test_a_mentor_of_any_pair_in_any_program_is_kept_off(world, status):
    earlier_mentor = UserFactory(full_name="Evan Earlier")
    PairFactory(program=ProgramFactory(), mentor=earlier_mentor, mentee=world.mentee, status=status)
    with pytest.raises(ValidationError) as excinfo:
        PanelSeatFactory(review=world.review, user=earlier_mentor)
    assert messages_of(excinfo) == [MENTOR_ON_PANEL]


def test_the_candidate_never_sits_on_their_panel(world):
    with pytest.raises(ValidationError) as excinfo:
        PanelSeatFactory(review=world.review, user=world.mentee)
    assert messages_of(excinfo) == [CANDIDATE_ON_PANEL]


def test_hana_cannot_seat_herself(world):
    with pytest.raises(ValidationError) as excinfo:
        PanelSeat.objects.create(
            review=world.review, user=world.program_admin, added_by=world.program_admin
        )
    assert messages_of(excinfo) == [SELF_SEATED]


def test_the_candidate_cannot_seat_anyone(world):
    with pytest.raises(ValidationError) as excinfo:
        PanelSeatFactory(review=world.review, user=UserFactory(), added_by=world.mentee)
    assert messages_of(excinfo) == [CANDIDATE_STAFFS]


def test_a_new_seat_records_who_gave_it(world):
    with pytest.raises(ValidationError, match="record who assigns this role"):
        PanelSeat.objects.create(review=world.review, user=UserFactory())
    seat = PanelSeatFactory(review=world.review, user=UserFactory(), added_by=world.program_admin)
    assert seat.added_by == world.program_admin


def test_the_database_refuses_a_self_seating_that_skips_the_model(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        PanelSeat._base_manager.bulk_create(
            [PanelSeat(review=world.review, user=world.program_admin, added_by=world.program_admin)]
        )


def test_bulk_seating_from_the_shell_obeys_the_rule(world):
    # review.panel.add() is a bulk_create of seats, which skips save().
    with pytest.raises(ValidationError, match="record who assigns this role"), transaction.atomic():
        world.review.panel.add(UserFactory())
    with pytest.raises(ValidationError) as excinfo, transaction.atomic():
        world.review.panel.add(world.mentor, through_defaults={"added_by": world.program_admin})
    assert messages_of(excinfo) == [MENTOR_ON_PANEL]
    assert not world.review.panel.filter(pk=world.mentor.pk).exists()
    newcomer = UserFactory()
    world.review.panel.add(newcomer, through_defaults={"added_by": world.program_admin})
    assert world.review.panel.filter(pk=newcomer.pk).exists()


def test_bulk_updates_cannot_change_who_holds_a_role(world):
    reviews = PromotionReview.objects.filter(pk=world.review.pk)
    with pytest.raises(ValidationError, match="one at a time"):
        reviews.update(supervisor=world.mentor)
    with pytest.raises(ValidationError, match="one at a time"):
        PanelSeat.objects.filter(review=world.review).update(user=world.mentor)
    assert reviews.update(target_role="Renamed") == 1  # other fields as before
    world.review.refresh_from_db()
    assert world.review.supervisor != world.mentor


def test_another_admin_may_seat_a_program_admin(world):
    seat = PanelSeatFactory(review=world.review, user=world.program_admin, added_by=world.superuser)
    assert seat.pk is not None


# --- The model: supervisor and candidate ------------------------------------------------------


def test_the_candidates_mentor_never_supervises(world):
    with pytest.raises(ValidationError) as excinfo:
        PromotionReviewFactory(
            program=world.program, candidate=world.mentee, supervisor=world.mentor
        )
    assert messages_of(excinfo) == [MENTOR_SUPERVISES]


def test_hana_cannot_make_herself_supervisor(world):
    review = PromotionReview.objects.get(pk=world.review.pk)
    review.supervisor = world.program_admin
    review.supervisor_assigned_by = world.program_admin
    with pytest.raises(ValidationError) as excinfo:
        review.save()
    assert messages_of(excinfo) == [SELF_SUPERVISOR]
    world.review.refresh_from_db()
    assert world.review.supervisor == world.supervisor


def test_a_new_supervisor_records_who_assigned_them(world):
    review = PromotionReview.objects.get(pk=world.review.pk)
    review.supervisor = UserFactory()
    review.supervisor_assigned_by = None
    with pytest.raises(ValidationError, match="record who assigns this role"):
        review.save()


def test_nobody_opens_a_review_of_themselves(world):
    with pytest.raises(ValidationError) as excinfo:
        PromotionReviewFactory(candidate=world.program_admin, opened_by=world.program_admin)
    assert messages_of(excinfo) == [SELF_CANDIDATE]


def test_the_database_refuses_self_assignment_that_skips_the_model(world):
    reviews = QuerySet(PromotionReview).filter(pk=world.review.pk)
    for change in (
        {"supervisor_assigned_by": world.supervisor},
        {"supervisor_assigned_by": world.mentee},
        {"opened_by": world.mentee},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            reviews.update(**change)


def test_saves_that_do_not_touch_people_cost_no_check(world, django_assert_num_queries):
    review = PromotionReview.objects.get(pk=world.review.pk)
    review.target_role = "Renamed"
    with django_assert_num_queries(1):
        review.save(update_fields=["target_role"])


# --- The model: the other direction (a new pair) ----------------------------------------------


def test_a_panel_member_does_not_become_the_candidates_mentor(world):
    other_program = ProgramFactory()
    with pytest.raises(ValidationError, match="Separation of duties") as excinfo:
        PairFactory(program=other_program, mentor=world.panel_member, mentee=world.mentee)
    assert "sits on the panel of, or supervises" in messages_of(excinfo)[0]
    assert not Pair.objects.filter(mentor=world.panel_member).exists()


def test_the_supervisor_does_not_become_the_candidates_mentor(world):
    with pytest.raises(ValidationError, match="Separation of duties"):
        PairFactory(program=ProgramFactory(), mentor=world.supervisor, mentee=world.mentee)


def test_after_the_review_closed_they_may(world):
    world.review.status = PromotionReview.Status.CLOSED
    world.review.closed_at = world.review.created_at
    world.review.save()
    pair = PairFactory(program=ProgramFactory(), mentor=world.panel_member, mentee=world.mentee)
    assert pair.pk is not None


# --- The admin: the reproductions, refused beside the field ---------------------------


def change_url(review) -> str:
    return reverse("admin:promotions_promotionreview_change", args=[review.pk])


def add_seat(world, client, user):
    data = review_form_data(world.review)
    data.update({"seats-TOTAL_FORMS": "2", "seats-1-user": user.pk, "seats-1-review": ""})
    return client.post(change_url(world.review), data)


def test_admin_hana_seating_herself_is_refused_beside_the_row(world, client):
    client.force_login(world.program_admin)
    response = add_seat(world, client, world.program_admin)
    assert response.status_code == HTTPStatus.OK
    errors = response.context["inline_admin_formsets"][0].formset.errors
    assert errors[1] == {"user": [SELF_SEATED]}
    assert not world.review.panel.filter(pk=world.program_admin.pk).exists()


def test_admin_the_candidates_mentor_on_the_panel_is_refused_beside_the_row(world, client):
    client.force_login(world.program_admin)
    response = add_seat(world, client, world.mentor)
    assert response.status_code == HTTPStatus.OK
    assert response.context["inline_admin_formsets"][0].formset.errors[1] == {
        "user": [MENTOR_ON_PANEL]
    }
    assert MENTOR_ON_PANEL in response.content.decode().replace("&#x27;", "'")
    assert not world.review.panel.filter(pk=world.mentor.pk).exists()


def test_admin_hana_as_supervisor_is_refused_beside_the_field(world, client):
    client.force_login(world.program_admin)
    response = client.post(
        change_url(world.review), review_form_data(world.review, supervisor=world.program_admin.pk)
    )
    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.errors == {"supervisor": [SELF_SUPERVISOR]}
    world.review.refresh_from_db()
    assert world.review.supervisor == world.supervisor


def test_admin_hana_cannot_open_a_review_of_herself(world, client):
    client.force_login(world.program_admin)
    response = client.post(
        reverse("admin:promotions_promotionreview_add"),
        {
            "program": world.program.pk,
            "candidate": world.program_admin.pk,
            "target_role": "Head of programs",
            "supervisor": world.supervisor.pk,
            "seats-TOTAL_FORMS": "0",
            "seats-INITIAL_FORMS": "0",
            "seats-MIN_NUM_FORMS": "0",
            "seats-MAX_NUM_FORMS": "1000",
            "_save": "Save",
        },
    )
    assert response.status_code == HTTPStatus.OK
    errors = response.context["adminform"].form.errors
    assert errors["candidate"] == [SELF_CANDIDATE]
    assert errors["supervisor"] == [CANDIDATE_STAFFS]  # and she would be assigning her supervisor
    assert not PromotionReview.objects.filter(candidate=world.program_admin).exists()


def test_admin_records_who_seated_and_who_assigned_the_supervisor(world, client):
    newcomer, new_supervisor = UserFactory(full_name="Pat Singh"), UserFactory()
    client.force_login(world.program_admin)
    data = review_form_data(world.review, supervisor=new_supervisor.pk)
    data.update({"seats-TOTAL_FORMS": "2", "seats-1-user": newcomer.pk, "seats-1-review": ""})

    response = client.post(change_url(world.review), data)

    assert response.status_code == HTTPStatus.FOUND
    assert PanelSeat.objects.get(review=world.review, user=newcomer).added_by == world.program_admin
    world.review.refresh_from_db()
    assert world.review.supervisor == new_supervisor
    assert world.review.supervisor_assigned_by == world.program_admin
    # Lee's seat was not touched, so it keeps whoever gave it.
    assert PanelSeat.objects.get(user=world.panel_member).added_by != world.program_admin


def test_admin_a_pair_whose_mentor_sits_on_the_panel_is_refused_beside_the_field(world, client):
    client.force_login(world.program_admin)
    response = client.post(
        reverse("admin:mentorship_pair_add"),
        {
            "program": ProgramFactory().pk,
            "mentor": world.panel_member.pk,
            "mentee": world.mentee.pk,
            "cadence_days": 14,
            "status": "proposed",
            "meetings-TOTAL_FORMS": "0",
            "meetings-INITIAL_FORMS": "0",
            "meetings-MIN_NUM_FORMS": "0",
            "meetings-MAX_NUM_FORMS": "1000",
            "_save": "Save",
        },
    )
    assert response.status_code == HTTPStatus.OK
    [message] = response.context["adminform"].form.errors["mentor"]
    assert message.startswith("Separation of duties: Lee Park sits on the panel")
    assert not Pair.objects.filter(mentor=world.panel_member).exists()


# --- Seeding obeys too ------------------------------------------------------------------------


def test_the_demo_staffs_every_review_through_someone_else(db):
    from mentorship import demo as base_demo
    from promotions import demo
    from tests.factories import ActiveAgreementFactory

    base = base_demo.seed()
    ActiveAgreementFactory(pair=base.pairs["maria-carol"])
    demo.seed(base)

    hana = base.users["hana"]
    for review in PromotionReview.objects.all():
        assert review.opened_by == hana
        assert review.supervisor_assigned_by == hana
        assert review.full_clean() is None
    for seat in PanelSeat.objects.all():
        assert seat.added_by == hana
        assert seat.full_clean() is None
