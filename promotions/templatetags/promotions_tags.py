"""{% load promotions_tags %}{% pair_reviews pair user %}: the pair page's review card."""

from __future__ import annotations

from django import template
from django.urls import reverse

from promotions.models import PromotionReview

register = template.Library()


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
    found = list(
        PromotionReview.objects.of_pair_mentee(pair, user)
        .not_closed()
        .order_by("-created_at")
        .values_list("pk", "target_role", "status")
    )
    # One reverse for the card's links, completed with each review's id.
    marker = "9876543210"
    name = "promotions:consent" if role == "mentee" else "promotions:input"
    head, tail = reverse(name, args=[marker]).split(marker) if found else ("", "")
    labels = dict(PromotionReview.Status.choices)
    reviews = [
        {"target_role": target_role, "status": labels[status].lower(), "url": f"{head}{pk}{tail}"}
        for pk, target_role, status in found
    ]
    return {"reviews": reviews, "pair": pair, "role": role}
