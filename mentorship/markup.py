"""Markdown to sanitized HTML, for guideline text written by program admins."""

from __future__ import annotations

from functools import lru_cache

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def render_markdown(text: str) -> SafeString:
    # Safe: nh3 has sanitized it against an allow-list.
    return mark_safe(_sanitized_html(text or ""))  # noqa: S308  # nosec B308 B703


# A pure function of the text, and the texts are guidelines: a few per program, unchanging once
# published, shown on every pair and agreement page. Each process renders each text once.
@lru_cache(maxsize=256)
def _sanitized_html(text: str) -> str:
    html = markdown.markdown(text, extensions=["tables", "sane_lists"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
