"""`{% load agreements_tags %}{% agreement_summary pair user %}`: the agreement card for the
pair page. Renders nothing for someone who is not a member of the pair."""

from django import template

from agreements.selectors import pair_flow
from mentorship.permissions import is_pair_member

register = template.Library()


@register.inclusion_tag("agreements/_summary.html")
def agreement_summary(pair, user):
    if not is_pair_member(user, pair):
        return {"flow": None}
    return {"flow": pair_flow(pair, user)}
