"""{% load promotions_tags %}{% pair_reviews pair user %}: the pair page's review card."""

from __future__ import annotations

from django import template

from mentorship.models import User
from mentorship.selectors import url_maker
from mentorship.statements import Prepared
from promotions.models import PromotionReview

register = template.Library()


def _pair_reviews(viewer: int, pair: int):
    """The card's rows: of_member_pair, the pair members' scope with its conditions in SQL."""
    return (
        PromotionReview.objects.of_member_pair(User(pk=viewer), pair)
        .not_closed()
        .order_by("-created_at")
        .values_list("pk", "target_role", "status")
    )


# Compiled once per process (building the queryset was most of the card's cost), run with the
# viewer's and the pair's ids: tests/promotions/test_pair_reviews_scope.py compares it with
# visible_to for every role.
_PAIR_REVIEWS = Prepared(PromotionReview, _pair_reviews, "viewer", "pair")


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
    found = _PAIR_REVIEWS.rows(viewer=user.pk, pair=pair.pk)
    # The card's links, from the pattern reversed once per process.
    url = url_maker("promotions:consent" if role == "mentee" else "promotions:input")
    labels = dict(PromotionReview.Status.choices)
    reviews = [
        {"target_role": target_role, "status": labels[status].lower(), "url": url(pk)}
        for pk, target_role, status in found
    ]
    return {"reviews": reviews, "pair": pair, "role": role}
