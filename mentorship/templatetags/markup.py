from functools import lru_cache

from django import template
from django.template.loader import get_template

from mentorship.markup import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    return render_markdown(text)


# What mentorship/_guideline.html shows of a guideline version.
_SHOWN = (
    "pk",
    "title",
    "version",
    "body",
    "clarification",
    "qualification",
    "expectations",
    "acceptable_examples",
    "breach_examples",
)


@register.simple_tag
def guideline_card(guideline):
    """`{% guideline_card guideline %}`: mentorship/_guideline.html for a guideline version (or
    None), rendered once per process for each version's text: guidelines are public to the
    program's members and a published version never changes (the card is keyed by everything
    it shows all the same). It is on every pair page."""
    if guideline is None:
        return _guideline_html(None)
    return _guideline_html(tuple(getattr(guideline, name) for name in _SHOWN))


@lru_cache(maxsize=64)
def _guideline_html(shown: tuple | None) -> str:
    from mentorship.models import Guideline

    guideline = Guideline(**dict(zip(_SHOWN, shown, strict=True))) if shown else None
    return get_template("mentorship/_guideline.html").render({"guideline": guideline})
