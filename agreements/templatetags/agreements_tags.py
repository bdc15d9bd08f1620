"""`{% load agreements_tags %}{% agreement_summary pair user %}`: the agreement card for the
pair page. Renders nothing for someone who is not a member of the pair."""

from django import template

from agreements.selectors import pair_flow
from mentorship.permissions import is_pair_member

register = template.Library()


@register.inclusion_tag("agreements/_summary.html")
def agreement_summary(pair, user, *guideline):
    """`{% agreement_summary pair user guideline %}`: a page that has already read the
    program's current guideline (or None) passes it, so the flow does not read it again."""
    if not is_pair_member(user, pair):
        return {"flow": None}
    known = {pair.program_id: guideline[0]} if guideline else None
    return {"flow": pair_flow(pair, user, current_guidelines=known)}
