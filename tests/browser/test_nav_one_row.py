"""The top navigation is one row on a laptop screen (1280 px), even for a program admin, who has
the most links and a long name: two rows pushed every page's content down and split the links
from the name and the Log out button."""

from __future__ import annotations

import pytest

from tests.factories import ProgramAdminFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.any_database]

LAPTOP_WIDTH = 1280


def rows(page) -> list[float]:
    """The distinct vertical centres of the navigation's items (links, name, buttons)."""
    centres = page.evaluate(
        """() => [...document.querySelectorAll(
                '.site-nav .navbar-brand, .site-nav .nav-link, .site-nav-name, .site-nav-user .btn'
            )].filter(e => e.offsetParent !== null).map(e => {
                const box = e.getBoundingClientRect();
                return box.top + box.height / 2;
            })"""
    )
    distinct: list[float] = []
    for centre in sorted(centres):
        if not distinct or centre - distinct[-1] > 8:
            distinct.append(centre)
    return distinct


@pytest.mark.parametrize(
    "persona",
    [
        pytest.param(
            lambda: ProgramAdminFactory(full_name="Hana Okafor-Lindqvist Montgomery"),
            id="program-admin",
        ),
        pytest.param(lambda: ProgramAdminFactory(full_name="Hana Okafor"), id="demo-admin"),
        pytest.param(lambda: UserFactory(full_name="Maria Lopez"), id="participant"),
    ],
)
def test_the_navigation_is_one_row_at_1280_px(visit, persona):
    person = persona()
    visitor = visit("nav", width=LAPTOP_WIDTH)
    visitor.login(person.username)
    visitor.goto("/")
    nav = visitor.page.locator(".site-nav")
    link_height = visitor.page.locator(".site-nav .nav-link").first.bounding_box()["height"]
    visitor.shot("nav-1280")

    assert len(rows(visitor.page)) == 1, rows(visitor.page)
    # One row of links plus the bar's padding, not two.
    assert nav.bounding_box()["height"] < 2 * link_height + 16
    if person.full_name == "Hana Okafor":  # the demo's program admin: her name fits whole
        name = visitor.page.locator(".site-nav-name")
        assert name.evaluate("e => e.scrollWidth <= e.clientWidth")
    if person.is_staff:
        assert visitor.page.get_by_role("link", name="Program dashboard").is_visible()
        assert visitor.page.get_by_role("link", name="Admin site").is_visible()
