"""Browser fixtures: Debian's Chromium driven by Playwright against the live test server.

The tests skip with a clear reason when Chromium is absent, unless REQUIRE_BROWSER is set
(as .ci/run does), in which case a missing browser is a failure.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
PASSWORD = "pw"  # tests.factories.UserFactory's password

# Playwright runs an event loop in this thread; Django's ORM calls from the test body are fine.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("REQUIRE_BROWSER"):
        return  # the browser fixture fails loudly instead
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} and REQUIRE_BROWSER unset")
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"REQUIRE_BROWSER is set but Chromium is missing at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _http_cookies(settings):
    # The live server speaks plain HTTP; production cookies are Secure-only.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


class Visitor:
    """One person in one browser context, with a screenshot trail."""

    def __init__(self, browser, live_server, request, name: str, width: int = 1200):
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.base = live_server.url
        self.name = name
        self.console_errors: list[str] = []
        self.page.on(
            "console",
            lambda m: (
                self.console_errors.append(f"{self.page.url}: {m.text}")
                if m.type == "error"
                else None
            ),
        )
        test = re.sub(r"[^\w.-]+", "_", request.node.name)
        self.folder = SCREENSHOTS / test
        self.folder.mkdir(parents=True, exist_ok=True)
        self.shots = 0

    def errors(self) -> list[str]:
        """Console errors, less the one known and harmless source: the admin's vendored jQuery
        probes inline styles while feature-detecting, and our CSP refuses the probe."""
        return [
            e
            for e in self.console_errors
            if not ("/admin/" in e.split(": ", 1)[0] and "Applying inline style" in e)
        ]

    def url(self, path: str) -> str:
        return self.base + path

    def goto(self, path: str):
        response = self.page.goto(self.url(path))
        return response

    def login(self, username: str, password: str = PASSWORD, path: str = "/accounts/login/"):
        self.goto(path)
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name=re.compile("Log in", re.I)).click()
        self.page.wait_for_load_state()

    def shot(self, label: str) -> Path:
        self.shots += 1
        path = self.folder / f"{self.shots:02d}-{self.name}-{label}.png"
        # caret="initial": hiding the caret injects a style that our CSP (rightly) refuses.
        self.page.screenshot(path=str(path), full_page=True, caret="initial")
        return path

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, live_server, request):
    visitors: list[Visitor] = []

    def make(name: str, width: int = 1200) -> Visitor:
        visitor = Visitor(browser, live_server, request, name, width)
        visitors.append(visitor)
        return visitor

    yield make
    for visitor in visitors:
        visitor.close()


def axe_violations(page, impacts=("serious", "critical")) -> list[str]:
    """Serious and critical axe-core violations on the page, as readable lines."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") in impacts:
            targets = [", ".join(node["target"]) for node in violation["nodes"]][:3]
            found.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return found
