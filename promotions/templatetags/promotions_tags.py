"""{% load promotions_tags %}{% pair_reviews pair user %}: the pair page's review card."""

from __future__ import annotations

from django import template

from promotions.models import PromotionReview

register = template.Library()


@register.inclusion_tag("promotions/_pair_reviews.html")
def pair_reviews(pair, user) -> dict:
    """Reviews of the pair's mentee in the pair's program that are not closed.

    Shown to the pair's two members only, each with the link their role needs.
    """
    role = pair.role_of(user) if user.is_authenticated else None
    if role is None or pair.status != pair.Status.ACTIVE:
        return {"reviews": [], "pair": pair, "role": role}
    reviews = (
        PromotionReview.objects.visible_to(user)
        .filter(program_id=pair.program_id, candidate_id=pair.mentee_id)
        .not_closed()
        .order_by("-created_at")
    )
    return {"reviews": list(reviews), "pair": pair, "role": role}
