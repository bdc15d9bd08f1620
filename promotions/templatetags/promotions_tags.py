"""{% load promotions_tags %}{% pair_reviews pair user %}: the pair page's review card."""

from __future__ import annotations

from django import template

from mentorship.models import Pair, User
from mentorship.selectors import url_maker
from mentorship.statements import Prepared
from promotions.models import PromotionReview

register = template.Library()


def _pair_mentee_reviews(program: int, candidate: int):
    """The card's rows: of_pair_mentee for a member of an active pair of `candidate` in
    `program` (the stand-in pair's only member asks; its conditions name nobody else)."""
    pair = Pair(program_id=program, mentor_id=candidate, mentee_id=candidate, status="active")
    return (
        PromotionReview.objects.of_pair_mentee(pair, User(pk=candidate))
        .not_closed()
        .order_by("-created_at")
        .values_list("pk", "target_role", "status")
    )


# Compiled once per process: building the queryset was most of the card's cost. The tag asks
# it only for a member of an active pair, for whom of_pair_mentee is exactly these conditions
# (tests/promotions/test_pair_reviews_scope.py compares the two, and both with visible_to).
_PAIR_MENTEE_REVIEWS = Prepared(PromotionReview, _pair_mentee_reviews, "program", "candidate")


@register.inclusion_tag("promotions/_pair_reviews.html")
def pair_reviews(pair, user) -> dict:
    """Reviews of the pair's mentee in the pair's program that are not closed.

    Shown to the pair's two members only, each with the link their role needs. Read through
    the pair members' scope (of_pair_mentee): one indexed condition, not visible_to's UNION
    of every role the viewer might hold.
    """
    role = pair.role_of(user) if user.is_authenticated else None
    if role is None or pair.status != pair.Status.ACTIVE:
        return {"reviews": [], "pair": pair, "role": role}
    found = _PAIR_MENTEE_REVIEWS.rows(program=pair.program_id, candidate=pair.mentee_id)
    # The card's links, from the pattern reversed once per process.
    url = url_maker("promotions:consent" if role == "mentee" else "promotions:input")
    labels = dict(PromotionReview.Status.choices)
    reviews = [
        {"target_role": target_role, "status": labels[status].lower(), "url": url(pk)}
        for pk, target_role, status in found
    ]
    return {"reviews": reviews, "pair": pair, "role": role}
