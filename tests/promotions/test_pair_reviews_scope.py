"""PromotionReview.objects.of_pair_mentee, the pair page's lean scope for its review card,
against visible_to on the same fixtures for every role: never a review visible_to hides, and
for a member of an active pair exactly the reviews of the pair's mentee in its program that
visible_to shows them."""

from __future__ import annotations

import pytest
from django.utils import timezone

from mentorship.models import Pair
from promotions.models import PromotionReview
from tests.factories import PairFactory, PromotionReviewFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "mentor",
    "mentee",
    "panel_member",
    "other_panel_member",
    "supervisor",
    "program_admin",
    "superuser",
    "outsider",
]


def ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


@pytest.fixture
def reviews(world):
    """Besides the world's review of the mentee: a closed one in the same program, one in
    another program, and the program's review of someone else (world.other_review's kind)."""
    closed = PromotionReviewFactory(program=world.program, candidate=world.mentee)
    closed.status = PromotionReview.Status.CLOSED
    closed.closed_at = timezone.now()
    closed.save()
    PromotionReviewFactory(candidate=world.mentee)
    PromotionReviewFactory(program=world.program)
    return world


@pytest.mark.parametrize("role", ROLES)
def test_the_pair_scope_is_visible_to_narrowed_to_the_pair(reviews, role):
    world = reviews
    user = world.person(role)
    scoped = ids(PromotionReview.objects.of_pair_mentee(world.pair, user))
    visible = ids(
        PromotionReview.objects.visible_to(user).filter(
            program=world.pair.program, candidate=world.pair.mentee
        )
    )
    if role in ("mentor", "mentee"):
        assert scoped == visible
        assert world.review.pk in scoped
        assert len(scoped) == 2  # the open and the closed review in the pair's program
    else:
        assert scoped == set()
        assert scoped <= visible


@pytest.mark.parametrize("role", ROLES)
def test_nothing_through_a_pair_that_is_not_active(reviews, role):
    world = reviews
    Pair.objects.filter(pk=world.pair.pk).update(status=Pair.Status.ENDED)
    world.pair.refresh_from_db()
    assert not PromotionReview.objects.of_pair_mentee(world.pair, world.person(role)).exists()


def test_another_pair_of_the_same_mentee_gives_its_own_program_only(reviews):
    world = reviews
    other = PairFactory(mentee=world.mentee)  # another program, another mentor
    found = ids(PromotionReview.objects.of_pair_mentee(other, other.mentor))
    visible = ids(
        PromotionReview.objects.visible_to(other.mentor).filter(
            program=other.program, candidate=world.mentee
        )
    )
    assert found == visible
    assert world.review.pk not in found
    # The world's mentor sees nothing through a pair that is not theirs.
    assert not PromotionReview.objects.of_pair_mentee(other, world.mentor).exists()


def card_ids(pair, user) -> list[int]:
    """The review ids the pair page's card links to (the tag's compiled read)."""
    from promotions.templatetags.promotions_tags import pair_reviews

    return [
        int(r["url"].rstrip("/").rsplit("/", 2)[-2]) for r in pair_reviews(pair, user)["reviews"]
    ]


@pytest.mark.parametrize("role", ROLES)
def test_the_card_shows_what_visible_to_shows_of_the_pair(reviews, role):
    """The card reads through a statement compiled once per process from of_pair_mentee: for
    every role, exactly the open reviews visible_to shows of the pair's mentee in its program
    to the pair's members, newest first, and nothing to anyone else."""
    world = reviews
    user = world.person(role)
    visible = list(
        PromotionReview.objects.visible_to(user)
        .filter(program=world.pair.program, candidate=world.pair.mentee)
        .not_closed()
        .order_by("-created_at")
        .values_list("pk", flat=True)
    )
    found = card_ids(world.pair, user)
    if role in ("mentor", "mentee"):
        assert found == visible == [world.review.pk]
    else:
        assert found == []


def test_the_card_never_answers_for_the_previous_pair(reviews):
    world = reviews
    other = PairFactory()
    PromotionReviewFactory(program=other.program, candidate=other.mentee)
    assert card_ids(world.pair, world.mentor) == [world.review.pk]
    assert card_ids(other, world.mentor) == []
    assert card_ids(other, other.mentor) != [world.review.pk]
    assert len(card_ids(other, other.mentee)) == 1
    Pair.objects.filter(pk=world.pair.pk).update(status=Pair.Status.ENDED)
    world.pair.refresh_from_db()
    assert card_ids(world.pair, world.mentor) == []


@pytest.mark.parametrize("role", ROLES)
def test_the_compiled_card_read_is_scoped_by_itself(reviews, role):
    """The statement the card runs answers only the pair's members, without the tag's own
    check in front of it: a page that reused it could not show another pair's reviews."""
    from promotions.templatetags.promotions_tags import _PAIR_REVIEWS

    world = reviews
    user = world.person(role)
    found = [pk for pk, _, _ in _PAIR_REVIEWS.rows(viewer=user.pk, pair=world.pair.pk)]
    assert found == ([world.review.pk] if role in ("mentor", "mentee") else [])
    Pair.objects.filter(pk=world.pair.pk).update(status=Pair.Status.ENDED)
    assert _PAIR_REVIEWS.rows(viewer=user.pk, pair=world.pair.pk) == []
