"""Browser fixtures: Debian's Chromium driven by Playwright against the live test server.

The tests skip with a clear reason when Chromium is absent, unless REQUIRE_BROWSER is set
(as .ci/run does), in which case a missing browser is a failure.

Every HTML document the live server sends during a test is recorded (`served_pages`) and can be
checked with the Nu Html Checker (`html_errors`): the bytes the browser got, POST re-renders and
error pages included. The checker (npm's vnu-jar, run by the machine's Java) starts once per
session as a local HTTP service, so all pages go through one Java process. Without Java or the
jar the check skips with its reason, unless REQUIRE_BROWSER is set, when it fails.

While working on the pages, UI_SURVEY=1 turns `Visitor.check` and `html_errors` into reports
(printed with -s) instead of failures, to see every problem of a journey in one run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
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
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"
VNU_JAR = Path(os.environ.get("VNU_JAR", ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"))
PHONE_WIDTH = 390
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

    def __init__(
        self, browser, live_server, request, name: str, width: int = 1200, javascript: bool = True
    ):
        self.width = width
        self.context = browser.new_context(
            viewport={"width": width, "height": 900}, java_script_enabled=javascript
        )
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
        # Error pages the test opened on purpose: their document status, by address.
        self.documents: dict[str, int] = {}
        self.page.on(
            "response",
            lambda r: (
                self.documents.__setitem__(r.url, r.status)
                if r.request.resource_type == "document"
                else None
            ),
        )
        test = re.sub(r"[^\w.-]+", "_", request.node.name)
        self.folder = SCREENSHOTS / test
        self.folder.mkdir(parents=True, exist_ok=True)
        self.shots = 0

    def errors(self) -> list[str]:
        """Console errors, less two known and harmless sources: the admin's vendored jQuery
        probes inline styles while feature-detecting, and our CSP refuses the probe; and an
        error page (404, 403) the test opened on purpose is logged as a failed load."""
        return [
            e
            for e in self.console_errors
            if not ("/admin/" in e.split(": ", 1)[0] and "Applying inline style" in e)
            and not self._is_error_page(e)
        ]

    def _is_error_page(self, error: str) -> bool:
        """Chromium logs a 4xx document as a failed load: expected on an error page."""
        url, _, text = error.partition(": ")
        status = self.documents.get(url)
        return bool(
            status
            and status >= 400
            and text.startswith(
                f"Failed to load resource: the server responded with a status of {status}"
            )
        )

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

    def overflow(self) -> int:
        """How many CSS pixels the page is wider than the viewport (0: no sideways scrolling)."""
        width = self.page.evaluate("document.documentElement.scrollWidth")
        return max(0, width - self.width)

    def check(self, label: str) -> Path:
        """One step of a journey: a screenshot, no serious axe violation on the whole page,
        and, on a phone-sized viewport, no sideways scrolling."""
        path = self.shot(label)
        violations = axe_violations(self.page)
        if os.environ.get("UI_SURVEY"):
            print(f"SURVEY {self.name}/{label} {self.page.url}: {violations} {self.overflow()}")
            return path
        assert violations == [], f"{self.name}/{label} {self.page.url}: {violations}"
        assert self.overflow() == 0, (
            f"{self.name}/{label} {self.page.url} is {self.overflow()}px wider than {self.width}px"
        )
        return path

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
    # This test's screenshots from an earlier run would mislead whoever looks at them.
    shutil.rmtree(SCREENSHOTS / re.sub(r"[^\w.-]+", "_", request.node.name), ignore_errors=True)

    def make(name: str, width: int = 1200, javascript: bool = True) -> Visitor:
        visitor = Visitor(browser, live_server, request, name, width, javascript)
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


# --- Every HTML document the live server sends, and the Nu Html Checker -----------------------


@dataclass(frozen=True)
class ServedPage:
    method: str
    path: str
    status: str
    body: bytes

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.status})"


class PageRecorder:
    """WSGI middleware around the live server: keeps a copy of each HTML response."""

    def __init__(self, app):
        self.app = app
        self.pages: list[ServedPage] = []
        self.requests: list[str] = []  # every request, "METHOD /path"

    def __call__(self, environ, start_response):
        seen: dict = {}

        def start(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.app(environ, start)
        self.requests.append(f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}")
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        content_type = {k.lower(): v for k, v in seen.get("headers", [])}.get("content-type", "")
        if body and content_type.startswith("text/html"):
            path = environ.get("PATH_INFO", "")
            if environ.get("QUERY_STRING"):
                path += "?" + environ["QUERY_STRING"]
            self.pages.append(
                ServedPage(environ.get("REQUEST_METHOD", "GET"), path, seen["status"], body)
            )
        return [body]


@pytest.fixture
def served_pages(request, live_server) -> list[ServedPage]:
    """The HTML documents the live server sends during this test, in order. (Every request's
    method and path, documents or not, is on request.node.served_requests.)"""
    server = live_server.thread.httpd
    app = server.get_app()
    recorder = PageRecorder(app)
    server.set_app(recorder)
    request.node.served_requests = recorder.requests
    yield recorder.pages
    server.set_app(app)


class NuChecker:
    """The Nu Html Checker as a local HTTP service: one Java process for the whole session."""

    def __init__(self, jar: Path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(  # noqa: S603 - fixed command, our own jar
            [
                shutil.which("java") or "java",
                "-Xss1m",
                "-Dnu.validator.servlet.bind-address=127.0.0.1",
                "-cp",
                str(jar),
                "nu.validator.servlet.Main",
                str(self.port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{self.port}/?out=json&level=error"
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("the Nu Html Checker exited while starting")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.25)

    def errors(self, body: bytes) -> list[str]:
        request = urllib.request.Request(  # noqa: S310 - our own local service
            self.url, data=body, headers={"Content-Type": "text/html; charset=utf-8"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            report = json.load(response)
        return [
            f"line {m.get('lastLine')}: {m['message']} [{m.get('extract', '').strip()}]"
            for m in report.get("messages", [])
            if m.get("type") in ("error", "non-document-error")
        ]

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="session")
def nu_checker():
    missing = []
    if shutil.which("java") is None:
        missing.append("java is not installed")
    if not VNU_JAR.exists():
        missing.append(f"{VNU_JAR} is missing (run `npm ci`)")
    if missing:
        reason = "the Nu Html Checker is unavailable: " + "; ".join(missing)
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"REQUIRE_BROWSER is set but {reason}")
        pytest.skip(f"HTML not validated: {reason}, and REQUIRE_BROWSER unset")
    checker = NuChecker(VNU_JAR)
    yield checker
    checker.close()


@pytest.fixture
def html_errors(request, served_pages):
    """Call at the end of a test: Nu Html Checker errors in every HTML page served so far,
    as readable lines (empty when all are valid). The checker starts on first use."""

    def check() -> list[str]:
        checker = request.getfixturevalue("nu_checker")
        assert served_pages, "no HTML page was served"
        found = []
        for page in served_pages:
            found.extend(f"{page}: {error}" for error in checker.errors(page.body))
        check.pages = len(served_pages)
        if os.environ.get("UI_SURVEY"):
            print("\n".join(f"VNU {e}" for e in found))
            return []
        return found

    return check


def carols_review(**review_fields):
    """The source document's people: Maria mentors Carol under a signed agreement, and Carol is
    up for "Lead of the new project team", supervised by Sam, with Lee on the panel. Returns
    the pair and the review."""
    from tests.factories import ActiveAgreementFactory
    from tests.factories.worlds import build_cast

    cast = build_cast(review={"target_role": "Lead of the new project team", **review_fields})
    ActiveAgreementFactory(pair=cast.pair)
    return cast.pair, cast.review


def post_from_page(person, action: str, fields: dict[str, str] | None = None) -> None:
    """Send a POST from the current page with its CSRF token (as a crafted form would)."""
    with person.page.expect_navigation():
        person.page.evaluate(
            """([action, fields]) => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = action;
                const token = document.querySelector("input[name=csrfmiddlewaretoken]");
                if (token) form.append(token.cloneNode());
                for (const [name, value] of Object.entries(fields)) {
                    const input = document.createElement("input");
                    input.type = "hidden"; input.name = name; input.value = value;
                    form.append(input);
                }
                document.body.append(form);
                form.submit();
            }""",
            [action, fields or {}],
        )
