"""HTTP helpers shared by the security tests: browser-like clients, CSRF tokens taken from
rendered forms, outcome classification and database snapshots."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from agreements.models import Agreement, Answer, Question, QuestionnaireSubmission, Signature
from mentorship.models import (
    Guideline,
    Meeting,
    Notification,
    Pair,
    Program,
    SingleSignOnIdentity,
    User,
)
from promotions.models import BreachPhrase, ConsentOptOut, PanelSeat, PromotionReview, Statement

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# Rows whose change is a state change. Audit events, access records (StatementView), sessions
# and admin log entries are records of access, not state, and are left out on purpose.
STATE_MODELS: tuple[type[models.Model], ...] = (
    Program,
    Guideline,
    Pair,
    Meeting,
    Question,
    Answer,
    QuestionnaireSubmission,
    Agreement,
    Signature,
    PromotionReview,
    PanelSeat,
    Statement,
    ConsentOptOut,
    BreachPhrase,
    User,
    Group,
    SingleSignOnIdentity,  # who signs in as whom
)
IGNORED_FIELDS = {"last_login"}  # a successful login is not a state change
WRITE_SQL = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def state_tables() -> set[str]:
    tables = set()
    for model in STATE_MODELS:
        tables.add(model._meta.db_table)
        tables.update(f.remote_field.through._meta.db_table for f in model._meta.local_many_to_many)
    return tables


def browser(user: User | None, **kwargs) -> Client:
    """A client that enforces CSRF like a browser session would."""
    kwargs.setdefault("enforce_csrf_checks", True)
    kwargs.setdefault("raise_request_exception", False)
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def csrf_token_from(response: HttpResponse) -> str | None:
    if "text/html" not in response.get("Content-Type", ""):
        return None
    match = CSRF_INPUT.search(response.content.decode(errors="replace"))
    return match.group(1) if match else None


def fetch_csrf_token(client: Client, path: str) -> str:
    """The token a browser would submit: from the form on the page itself, or, where the page
    shows no form to this person, from the login page's form (any page with a form will do)."""
    for source in (path, reverse("login")):
        token = csrf_token_from(client.get(source))
        if token:
            return token
    raise AssertionError("no page rendered a CSRF token")


def outcome(response: HttpResponse) -> str:
    """One word for a response: 200, 403, 404, 405, login, admin-login, redirect, permanent."""
    code = response.status_code
    if code in (301, 302):
        location = urlsplit(response["Location"])
        with_next = "next=" in location.query
        if code == 302 and with_next and location.path == resolve_url(settings.LOGIN_URL):
            return "login"
        if code == 302 and with_next and location.path == reverse("admin:login"):
            return "admin-login"
        return "redirect" if code == 302 else "permanent"
    return str(code)


def snapshot() -> dict[str, list[tuple]]:
    state = {}
    for model in STATE_MODELS:
        fields = [f.attname for f in model._meta.concrete_fields if f.name not in IGNORED_FIELDS]
        state[model._meta.label] = list(model._base_manager.order_by("pk").values_list(*fields))
    state["auth.Group.permissions"] = list(
        Group.permissions.through.objects.order_by("pk").values_list("group_id", "permission_id")
    )
    return state


def changed_models(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after[label]]


def perform(call) -> tuple[HttpResponse, list[str], list[str]]:
    """Make a request; return it, the state models it changed, and its SQL writes to them.

    Cheap when nothing is written (the common case): the queries are watched, and only when a
    state table was written are the two states compared, the one after the request and the one
    before it (restored by rolling back to a savepoint taken first).
    """
    savepoint = transaction.savepoint()
    with CaptureQueriesContext(connection) as queries:
        response = call()
    tables = state_tables()
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if (match := WRITE_SQL.match(q["sql"])) and match.group(1) in tables
    ]
    if not writes:
        transaction.savepoint_commit(savepoint)
        return response, [], []
    after = snapshot()
    transaction.savepoint_rollback(savepoint)
    return response, changed_models(snapshot(), after), writes


def walk_urlconf() -> Iterable[tuple[str, str]]:
    """(key, route) for every URL pattern, recursively, with namespaces.

    The key is the namespaced URL name ("agreements:detail"); a pattern without a name is keyed
    by its namespace and route ("admin:<route>", or "/<route>" at the root).
    """
    for key, route, _pattern in url_patterns():
        yield key, route


def url_patterns() -> Iterable[tuple[str, str, URLPattern]]:
    """(key, route, pattern) for every URL pattern; keys as in walk_urlconf()."""

    def walk(resolver: URLResolver, namespaces: list[str], prefix: str):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                extra = [pattern.namespace] if pattern.namespace else []
                yield from walk(pattern, namespaces + extra, route)
            elif isinstance(pattern, URLPattern):
                if pattern.name:
                    yield ":".join([*namespaces, pattern.name]), route, pattern
                elif namespaces:
                    yield ":".join(namespaces) + ":" + route, route, pattern
                else:
                    yield "/" + route, route, pattern

    yield from walk(get_resolver(), [], "")


class _FormParser(HTMLParser):
    """The fields of every <form> on a page, as a browser would submit them (no buttons)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"id": attrs.get("id", ""), "action": attrs.get("action"), "data": {}}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        data = self._form["data"]
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                data.setdefault(name, [])
                return
            data.setdefault(name, []).append(attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select" and name:
            self._select = name
            data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            data[name] = [""]

    def handle_data(self, text):
        if self._form is not None and self._textarea:
            self._form["data"][self._textarea][0] += text

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            if self._form is not None and self._textarea:
                value = self._form["data"][self._textarea][0]
                # A browser drops the one newline that follows <textarea>.
                self._form["data"][self._textarea][0] = value.removeprefix("\n")
            self._textarea = None


def page_forms(response: HttpResponse) -> list[dict]:
    parser = _FormParser()
    parser.feed(response.content.decode())
    return parser.forms


def form_data(response: HttpResponse, form_id: str | None = None) -> dict[str, list[str]]:
    """The values a browser would submit from the page's form (by id, or its largest form)."""
    forms = page_forms(response)
    if form_id is not None:
        (form,) = [f for f in forms if f["id"] == form_id]
    else:
        form = max(forms, key=lambda f: len(f["data"]))
    return {name: list(values) for name, values in form["data"].items()}


def url_values(world) -> dict[str, list]:
    """Every real value of every URL parameter of the site."""
    return {
        "pair_id": [p.pk for p in Pair.objects.all()],
        "program_id": [p.pk for p in Program.objects.all()],
        "agreement_id": [a.pk for a in Agreement.objects.all()],
        "statement_id": [s.pk for s in Statement.objects.all()],
        "review_id": [r.pk for r in PromotionReview.objects.all()],
        "notification_id": [n.pk for n in Notification.objects.all()],
        "kind": [*Statement.Kind.values],
        "uidb64": ["MQ"],
        "token": ["set-password"],
    }


PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def site_paths(world) -> list[str]:
    """Every URL of the URLconf outside the admin, with every combination of real ids."""
    values = url_values(world)
    paths = []
    for key, route in walk_urlconf():
        if key.startswith("admin:"):
            continue
        names = PARAM.findall(route)
        missing = [n for n in names if n not in values]
        assert not missing, f"{key}: no values for {missing}; add them to url_values()"
        for combo in itertools.product(*(values[n] for n in names)):
            path = route
            for value in combo:
                path = PARAM.sub(str(value), path, count=1)
            paths.append("/" + path)
    return paths
