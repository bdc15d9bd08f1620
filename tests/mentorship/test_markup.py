"""Guideline Markdown becomes sanitized HTML, rendered once per text in each process."""

from __future__ import annotations

import pytest

from mentorship.markup import _sanitized_html, render_markdown

pytestmark = pytest.mark.any_database


def test_markdown_is_rendered_and_sanitized():
    html = render_markdown(
        "**Keep it** between us.\n\n<script>alert(1)</script>\n\n[policy](https://example.com)"
    )
    assert "<strong>Keep it</strong>" in html
    assert "<script>" not in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_unsafe_links_are_dropped():
    assert "javascript:" not in render_markdown("[click](javascript:alert(1))")


def test_an_empty_text_renders_empty():
    assert render_markdown(None) == ""


def test_the_same_text_is_rendered_once():
    text = "A guideline rendered on every pair page, test_the_same_text_is_rendered_once."
    first = render_markdown(text)
    hits = _sanitized_html.cache_info().hits
    assert render_markdown(text) == first
    assert _sanitized_html.cache_info().hits == hits + 1
