"""`{% load agreements_tags %}{% agreement_summary pair user %}`: the agreement card for the
pair page. Renders nothing for someone who is not a member of the pair."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf, reverse

from agreements.selectors import pair_flow
from mentorship import display
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


# The pages' dates as the `date` filter writes them with these formats, without its
# per-call format parsing (about 45 µs a date; a signature row had one, the agreement page
# several). The template engine gives each datetime in the viewer's time zone first.
def _zone(value) -> str:
    # "T" of the date filter: the zone's abbreviation, nothing for a naive datetime.
    return str(value.tzname() or "") if getattr(value, "tzinfo", None) is not None else ""


@register.filter(expects_localtime=True)
def long_date(value) -> str:
    """`|date:"j F Y"`: 7 March 2026."""
    return display.day(value) if value else ""


@register.filter(expects_localtime=True)
def long_datetime(value) -> str:
    """`|date:"j F Y, H:i T"`: 7 March 2026, 09:05 CET."""
    if not value:
        return ""
    return f"{display.moment(value)} {_zone(value)}"


@register.filter(expects_localtime=True)
def exact_datetime(value) -> str:
    """`|date:"Y-m-d H:i:s T"`: 2026-03-07 09:05:02 CET."""
    if not value:
        return ""
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d} "
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d} {_zone(value)}"
    )
