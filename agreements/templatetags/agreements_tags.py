"""`{% load agreements_tags %}{% agreement_summary pair user %}`: the agreement card for the
pair page. Renders nothing for someone who is not a member of the pair."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf, reverse

from agreements.selectors import pair_flow
from mentorship.permissions import is_pair_member
from mentorship.selectors import url_maker

register = template.Library()


@register.inclusion_tag("agreements/_summary.html")
def agreement_summary(pair, user, *guideline):
    """`{% agreement_summary pair user guideline %}`: a page that has already read the
    program's current guideline (or None) passes it, so the flow does not read it again."""
    if not is_pair_member(user, pair):
        return {"flow": None}
    known = {pair.program_id: guideline[0]} if guideline else None
    return {"flow": pair_flow(pair, user, current_guidelines=known)}


@register.simple_tag
def agreement_steps(flow):
    """`{% agreement_steps flow %}`: the step bar (agreements/_steps.html). It shows only the
    steps' fixed labels and states, nothing of the pair, and has a handful of states: each is
    rendered once per process (the include's loop was a fifth of the agreement card)."""
    return _steps_html(tuple((step["key"], step["label"], step["state"]) for step in flow.steps))


@lru_cache(maxsize=16)
def _steps_html(steps: tuple[tuple[str, str, str], ...]) -> str:
    shown = [{"key": key, "label": label, "state": state} for key, label, state in steps]
    return get_template("agreements/_steps.html").render({"flow": {"steps": shown}})


@register.simple_tag
def id_url(name: str, pk=None) -> str:
    """`{% id_url "agreements:terms" pair.pk %}`: what `{% url %}` gives for a pattern that
    takes one id (or, without it, none), its pattern reversed once per process (url_maker):
    the agreement page reversed a dozen links per request, about 50 µs each."""
    if pk is None:
        return _fixed_url(name, settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
    return url_maker(name)(pk)


@lru_cache(maxsize=64)
def _fixed_url(name: str, *url_configuration) -> str:
    # The arguments after the name only key the cache: reverse() reads them itself.
    return reverse(name)
