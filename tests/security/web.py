"""HTTP helpers shared by the security tests: browser-like clients, CSRF tokens taken from
rendered forms, outcome classification and database snapshots."""

from __future__ import annotations

import re
from collections.abc import Iterable
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
from mentorship.models import Guideline, Meeting, Pair, Program, User
from promotions.models import BreachPhrase, PanelSeat, PromotionReview, Statement

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
    BreachPhrase,
    User,
    Group,
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

    def walk(resolver: URLResolver, namespaces: list[str], prefix: str):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                extra = [pattern.namespace] if pattern.namespace else []
                yield from walk(pattern, namespaces + extra, route)
            elif isinstance(pattern, URLPattern):
                if pattern.name:
                    yield ":".join([*namespaces, pattern.name]), route
                elif namespaces:
                    yield ":".join(namespaces) + ":" + route, route
                else:
                    yield "/" + route, route

    yield from walk(get_resolver(), [], "")
