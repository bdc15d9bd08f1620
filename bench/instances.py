"""Start gunicorn instances of the site (bench settings) on free ports, and talk to them as a
browser would: log in through the form, follow pages, post forms with their CSRF token."""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Instance:
    name: str
    url: str
    process: subprocess.Popen


@contextlib.contextmanager
def instances(count: int, *, database_url: str, workers: int = 1) -> Iterator[list[Instance]]:
    """`count` gunicorn processes, each on its own port, all on one database."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_PLAIN_STATIC": "1",
        "DATABASE_CONN_MAX_AGE": "0",
    }
    started: list[Instance] = []
    try:
        for n in range(count):
            port = free_port()
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "mentorship.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(workers),
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            started.append(
                Instance(f"instance {'AB'[n] if n < 2 else n}", f"http://127.0.0.1:{port}", process)
            )
        for instance in started:
            wait_healthy(instance)
        yield started
    finally:
        for instance in started:
            instance.process.terminate()
        for instance in started:
            try:
                instance.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                instance.process.kill()


def wait_healthy(instance: Instance, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if instance.process.poll() is not None:
            error = instance.process.stderr.read().decode()
            raise RuntimeError(f"{instance.name} exited: {error}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(instance.url + "/health/", timeout=2) as response,  # noqa: S310
        ):
            if response.status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{instance.name} did not answer /health/ within {timeout} s")


class Browser:
    """One person's cookies, usable against any instance (sessions live in the database)."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url: str) -> str:
        with self.opener.open(url, timeout=30) as response:
            return response.read().decode()

    def post(self, url: str, data: dict[str, str], *, form_page: str) -> str:
        """Post a form with the CSRF token of the page that holds it (as a browser would)."""
        token = CSRF.search(self.get(form_page)).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": form_page})  # noqa: S310
        with self.opener.open(request, timeout=30) as response:
            return response.read().decode()

    def login(self, base_url: str, username: str, password: str) -> None:
        login_url = f"{base_url}/accounts/login/"
        self.post(login_url, {"username": username, "password": password}, form_page=login_url)
        if not any(cookie.name == "sessionid" for cookie in self.jar):
            raise RuntimeError(f"{username} could not log in on {base_url}")
