"""The authorization matrix (authorization_matrix.toml) against the real site.

- Every URL of the URLconf, walked recursively with namespaces, has a row (and every row a URL).
- Every cell, role x URL x object state x method, is its own test: GET, and POST with a valid
  CSRF token from a rendered form of the same browser session, answer as the matrix says, and
  the database's state changes exactly where the matrix says "changed".
- CSRF is proved once, not per cell: the middleware is installed, no view of the URLconf is
  csrf_exempt, and one POST per endpoint without a token (the cell that would change the most
  with one) is refused (403, the CSRF page) and changes nothing.
"""

from __future__ import annotations

import copy
import datetime
import tomllib
from dataclasses import dataclass
from functools import cache
from http import HTTPStatus
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from agreements.models import Answer
from agreements.selectors import asked_questions
from agreements.services import draft_fingerprint
from mentorship.models import AuditEvent, Pair
from mentorship.roles import PROGRAM_ADMINS_GROUP
from promotions.models import text_sha256
from tests.factories.worlds import PASSWORD, ROLES
from tests.security.conftest import STATS, World
from tests.security.web import (
    browser,
    csrf_token_from,
    outcome,
    perform,
    url_patterns,
    walk_urlconf,
)

pytestmark = [pytest.mark.django_db, pytest.mark.any_database]

MATRIX_FILE = Path(__file__).with_name("authorization_matrix.toml")
NEW_PASSWORD = "Matrix-cell-password-71"


@cache
def matrix() -> dict:
    return tomllib.loads(MATRIX_FILE.read_text())


def admin_models() -> dict[str, tuple[str, str]]:
    """{"mentorship.pair": ("mentorship", "pair"), ...} for every model registered in the admin."""
    return {
        model._meta.label_lower: (model._meta.app_label, model._meta.model_name)
        for model in admin.site._registry
    }


def expand_admin_rule(url: str, app: str, model: str) -> str:
    return url.replace("<app>/<model>", f"{app}/{model}").replace("<model>", f"{app}_{model}")


def expected_for(table: dict, role: str) -> str:
    return table.get(role, table.get("others"))


# --- Cells ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    url: str  # the matrix key: a URL name, or namespace:route for an unnamed pattern
    state: str
    method: str
    role: str
    expected: str
    row: tuple  # (("key", value), ...) of the matrix row, hashable

    @property
    def id(self) -> str:
        state = f"[{self.state}]" if self.state else ""
        return f"{self.method} {self.url}{state} as {self.role} -> {self.expected}"

    def get(self, key: str, default=None):
        return dict(self.row).get(key, default)


def matrix_cells() -> list[Cell]:
    cells = []
    for row in matrix()["row"]:
        frozen = tuple((k, v) for k, v in row.items() if k not in ("GET", "POST"))
        for method in ("GET", "POST"):
            for role in ROLES:
                expected = expected_for(row[method], role)
                assert expected, f"{row['url']} {method}: no outcome for {role}"
                cells.append(Cell(row["url"], row.get("state", ""), method, role, expected, frozen))
    registered = admin_models()
    for rule in matrix()["admin_rule"]:
        for entry in matrix()["admin_model"]:
            app, model = registered[entry["model"]]
            url = expand_admin_rule(rule["url"], app, model)
            frozen = (("page", rule["page"]), ("model", entry["model"]))
            for method in ("GET", "POST"):
                for role in ROLES:
                    # Only staff get past the admin login page.
                    staff = entry.get(role, {}).get(method)
                    expected = staff[rule["page"]] if staff else "admin-login"
                    cells.append(Cell(url, entry["state"], method, role, expected, frozen))
    return cells


CELLS = matrix_cells()


# --- The URLconf and the matrix cover each other -----------------------------------------------


def matrix_keys() -> set[str]:
    keys = {row["url"] for row in matrix()["row"]}
    for rule in matrix()["admin_rule"]:
        for app, model in admin_models().values():
            keys.add(expand_admin_rule(rule["url"], app, model))
    return keys


def test_every_url_of_the_urlconf_has_a_row():
    urls = {key for key, _route in walk_urlconf()}
    missing = sorted(urls - matrix_keys())
    assert not missing, f"URLs without a row in {MATRIX_FILE.name}: {missing}"


def test_every_row_names_a_url_that_exists():
    urls = {key for key, _route in walk_urlconf()}
    stale = sorted(matrix_keys() - urls)
    assert not stale, f"rows for URLs the URLconf does not have: {stale}"


def test_every_registered_admin_model_has_its_expectations():
    covered = {entry["model"] for entry in matrix()["admin_model"]}
    assert covered == set(admin_models()), set(admin_models()) ^ covered


def test_every_cell_names_a_known_outcome():
    known = {"200", "changed", "redirect", "login", "admin-login", "permanent", "403", "404", "405"}
    assert {cell.expected for cell in CELLS} <= known


def test_the_matrix_lists_every_role_in_order():
    assert tuple(matrix()["roles"]) == ROLES
    for row in matrix()["row"]:
        for method in ("GET", "POST"):
            unknown = set(row[method]) - {*ROLES, "others"}
            assert not unknown, (row["url"], method, unknown)


# --- Resolving a cell to a request -------------------------------------------------------------


@pytest.fixture(scope="module")
def sessions(world, django_db_blocker) -> dict[str, Session]:
    """One signed-in browser session per person (key "" for anonymous), and the CSRF token its
    login page rendered.

    Each cell starts from a copy of the session's cookies, so what a cell does to its session
    (logging out, changing the password) never reaches the next cell; the person's client is
    reused, its cookies being all the state it carries between requests.
    """
    with django_db_blocker.unblock():
        # django-axes' records, so their admin pages have an object to open.
        for model in (AccessAttempt, AccessLog, AccessFailureLog):
            extra = (
                {"get_data": "", "post_data": "", "failures_since_start": 1}
                if model is AccessAttempt
                else {}
            )
            model.objects.create(
                user_agent="matrix",
                ip_address="10.0.0.1",
                username="otto",
                http_accept="*/*",
                path_info="/accounts/login/",
                **extra,
            )
        result = {}
        for user in [None, *world.people()]:
            client = browser(user)
            token = csrf_token_from(client.get(reverse("login")))
            assert token, user
            result[user.username if user else ""] = Session(
                client, token, copy.deepcopy(client.cookies)
            )
    return result


@dataclass(frozen=True)
class Session:
    client: Client
    token: str
    cookies: SimpleCookie  # as they were after login


def fresh_browser(sessions, user) -> tuple[Client, str]:
    session = sessions[user.username if user else ""]
    session.client.cookies = copy.deepcopy(session.cookies)
    return session.client, session.token


ADMIN_OBJECTS = {
    "auth.group": lambda w: Group.objects.get(name=PROGRAM_ADMINS_GROUP),
    "mentorship.user": lambda w: w.users["carol"],
    "mentorship.program": lambda w: w.program,
    "mentorship.guideline": lambda w: w.guideline,
    "mentorship.guideline:draft": lambda w: w.draft_guideline,
    "mentorship.pair": lambda w: w.pairs["agreed"],
    "mentorship.auditevent": lambda w: AuditEvent.objects.order_by("pk").first(),
    "mentorship.notification": lambda w: w.failed_email,
    "mentorship.singlesignonidentity": lambda w: w.sso_identity,
    "agreements.question": lambda w: Answer.objects.filter(pair=w.pairs["agreed"]).first().question,
    "agreements.agreement": lambda w: w.agreements["active"],
    "agreements.signature": lambda w: w.agreements["active"].signatures.first(),
    "promotions.promotionreview": lambda w: w.reviews["open"],
    "promotions.promotionreview:closed": lambda w: w.reviews["closed"],
    "promotions.statement": lambda w: w.statements["shared"],
    "promotions.breachphrase": lambda w: w.breach_phrase,
    "axes.accessattempt": lambda w: AccessAttempt.objects.get(),
    "axes.accesslog": lambda w: AccessLog.objects.get(),
    "axes.accessfailurelog": lambda w: AccessFailureLog.objects.get(),
}


def admin_object(world: World, model: str, state: str):
    return ADMIN_OBJECTS.get(f"{model}:{state}", ADMIN_OBJECTS[model])(world)


def target(world: World, cell: Cell):
    """(path, object, pair whose members play mentor and mentee) for a cell."""
    name, state = cell.url, cell.state
    if cell.get("path"):
        return cell.get("path"), None, None
    if cell.get("page"):
        obj = admin_object(world, cell.get("model"), state)
        app, model = obj._meta.app_label, obj._meta.model_name
        if cell.get("page") == "changelist":
            return reverse(f"admin:{app}_{model}_changelist"), obj, None
        if cell.get("page") == "add":
            return reverse(f"admin:{app}_{model}_add"), obj, None
        if cell.get("page") == "object":
            return f"/admin/{app}/{model}/{obj.pk}/", obj, None
        return reverse(f"admin:{app}_{model}_{cell.get('page')}", args=[obj.pk]), obj, None
    if name == "admin:autocomplete":
        return reverse(name) + (f"?{cell.get('query')}" if cell.get("query") else ""), None, None
    if name == "admin:view_on_site":
        pair = world.pairs["agreed"]
        return reverse(name, args=[ContentType.objects.get_for_model(Pair).pk, pair.pk]), pair, None
    if name == "admin:app_list":
        return reverse(name, kwargs={"app_label": state}), None, None
    if name.startswith("mentorship:program_list_"):
        return reverse(name, args=[world.program.pk]), world.program, None
    if name == "admin:mentorship_guideline_publish":
        guideline = world.draft_guideline if state == "draft" else world.guideline
        return reverse(name, args=[guideline.pk]), guideline, None
    if name == "admin:auth_user_password_change":
        return reverse(name, args=[world.users[state].pk]), world.users[state], None
    if name == "password_reset_confirm":
        return reverse(name, args=["MQ", "not-a-valid-token"]), None, None
    if name == "mentorship:notification_open":
        unread = world.users[state].notifications.filter(read_at__isnull=True, in_inbox=True)
        notification = unread.order_by("created_at", "pk").first()
        return reverse(name, args=[notification.pk]), notification, world.pairs["agreed"]
    if name.startswith("/"):
        return name, None, None
    if name in ("mentorship:pair", *(f"agreements:{n}" for n in PAIR_PAGES)):
        pair = world.pairs[state]
        return reverse(name, args=[pair.pk]), pair, pair
    if name == "agreements:guideline":
        pair = world.pairs["agreed"]
        return reverse(name, args=[pair.program_id]), pair.program, pair
    if name in (f"agreements:{n}" for n in AGREEMENT_PAGES):
        agreement = world.agreements[state]
        return reverse(name, args=[agreement.pk]), agreement, agreement.pair
    if name == "promotions:statement_new":
        review_state, kind = state.split("/")
        review = world.reviews[review_state]
        return reverse(name, args=[review.pk, kind]), review, world.pairs["agreed"]
    if name in (f"promotions:{n}" for n in REVIEW_PAGES):
        review = world.reviews[state]
        return reverse(name, args=[review.pk]), review, world.pairs["agreed"]
    if name.startswith("promotions:statement_"):
        statement = world.statements[state]
        return reverse(name, args=[statement.pk]), statement, statement.pair
    assert not state, f"no object for {name} [{state}]"
    return reverse(name), None, None


PAIR_PAGES = ("pair", "questionnaire", "compare", "terms", "history")
AGREEMENT_PAGES = ("detail", "sign", "end", "withdraw", "print", "verify", "acknowledge")
REVIEW_PAGES = ("review", "review_outcome", "assessment", "input", "consent", "consent_opt_out")


def post_data(cell: Cell, world: World, obj, user) -> dict:
    """The form filled in correctly by this person, so refusals are for the right reason."""
    name = cell.url
    if name == "mentorship:pair":
        return {
            "held_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
            "duration_minutes": "30",
            "status": "held",
            "notes": "Matrix meeting.",
        }
    if name == "agreements:questionnaire":
        data = {"save": "Save"}
        for question in asked_questions(obj):
            data[f"q_{question.pk}"] = Answer.Value.AGREE
            data[f"c_{question.pk}"] = ""
        return data
    if name == "agreements:terms":
        return {
            "confidentiality_scope": "agreed_exceptions",
            "allows_promotion_participation": "on",
            "allows_advocacy": "on",
            "allows_engagement": "on",
            "exceptions": "Matrix exceptions.",
        }
    if name == "agreements:sign":
        return {
            "text_sha256": obj.text_sha256,
            "acknowledge": "on",
            "typed_name": user.full_name if user else "Nobody",
            "password": PASSWORD,
        }
    if name == "agreements:end":
        return {"reason": "Matrix reason."}
    if name == "admin:mentorship_guideline_publish":
        current = obj.program.current_guideline()
        return {
            "replacing_version": str(current.version if current else 0),
            "fingerprint": draft_fingerprint(obj),
        }
    if name == "agreements:acknowledge":
        current = obj.pair.program.current_guideline()
        return {
            "guideline_version": str(current.version if current else 1),
            "confirm": "on",
            "password": PASSWORD,
        }
    if name in ("promotions:statement_new", "promotions:statement_edit"):
        return {"text": "Matrix statement about growth.", "action": "Save draft"}
    if name == "promotions:statement_consent":
        return {"text_sha256": text_sha256(obj.text)}
    if name == "promotions:statement_decline":
        return {"reason": ""}
    if name == "promotions:statement_delete":
        return {"confirm": "on"}
    if name == "promotions:review_outcome":
        return {"outcome": "promoted", "note": "Matrix note."}
    if name == "promotions:assessment":
        return {"text": "Matrix assessment."}
    if name == "mentorship:preferences":
        return {"time_zone": "Europe/Berlin"}
    if name == "login":
        if user is None:
            return {"username": "nobody", "password": "wrong"}
        return {"username": user.username, "password": PASSWORD}
    if name == "password_change":
        return {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        }
    if name == "password_reset":
        return {"email": user.email if user else "nobody@example.com"}
    if name == "password_reset_confirm":
        return {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    return {}


def observed(response, changes: list[str]) -> str:
    result = outcome(response)
    if changes:
        result = "changed" if result == "redirect" else f"{result}+changed"
    return result


# --- The cells --------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", CELLS, ids=[cell.id for cell in CELLS])
def test_cell(world, sessions, cell: Cell):
    STATS["matrix cells run"] += 1
    path, obj, pair = target(world, cell)
    user = world.role_user(cell.role, pair)
    client, token = fresh_browser(sessions, user)

    if cell.method == "GET":
        response, changes, writes = perform(lambda: client.get(path))
        assert writes == [], f"a GET wrote: {writes}"
    else:
        data = {**post_data(cell, world, obj, user), "csrfmiddlewaretoken": token}
        response, changes, writes = perform(lambda: client.post(path, data))

    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
    result = observed(response, changes)
    assert result == cell.expected, (
        f"{cell.id}: got {result} ({response.status_code} "
        f"{response.get('Location', '')}) changes={changes}"
    )


# --- CSRF: proved once per endpoint, not once per role and state -------------------------------


def test_csrf_middleware_is_installed():
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE


def is_csrf_exempt(view) -> bool:
    """Whether the view, or anything it wraps, is marked csrf_exempt.

    CsrfViewMiddleware reads the attribute on the resolved callback only, but a decorator that
    does not copy it up would hide an exemption underneath; so every layer of the wrapping is
    looked at, and a class-based view's dispatch (where method_decorator(csrf_exempt) lands).
    """
    layer = view
    while layer is not None:
        view_class = getattr(layer, "view_class", None)
        dispatch = getattr(view_class, "dispatch", None)
        if getattr(layer, "csrf_exempt", False) or getattr(dispatch, "csrf_exempt", False):
            return True
        layer = getattr(layer, "__wrapped__", None)
    return False


def test_no_view_is_csrf_exempt():
    exempt = [key for key, _route, pattern in url_patterns() if is_csrf_exempt(pattern.callback)]
    assert exempt == []


def _view(request):
    return HttpResponse()


class _ExemptView(View):
    @method_decorator(csrf_exempt)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)


@pytest.mark.parametrize(
    "view",
    [
        csrf_exempt(_view),
        login_required(csrf_exempt(_view)),
        require_POST(login_required(csrf_exempt(_view))),
        _ExemptView.as_view(),
    ],
    ids=["exempt", "under login_required", "two layers down", "class dispatch"],
)
def test_an_exemption_is_found_however_deep(view):
    assert is_csrf_exempt(view)


def test_a_protected_view_is_not_reported():
    assert not is_csrf_exempt(login_required(require_POST(_view)))
    assert not is_csrf_exempt(View.as_view())


def csrf_probe_cells() -> list[Cell]:
    """One POST cell per endpoint (URL key): the one whose POST with a token does the most
    (a state change where some role may make one), so that refusing it proves the most."""
    weight = {"changed": 0, "200": 1, "redirect": 1}
    best: dict[str, Cell] = {}
    for cell in CELLS:
        if cell.method != "POST":
            continue
        current = best.get(cell.url)
        if current is None or weight.get(cell.expected, 2) < weight.get(current.expected, 2):
            best[cell.url] = cell
    return list(best.values())


CSRF_CELLS = csrf_probe_cells()


def test_every_post_endpoint_has_a_csrf_probe():
    assert {cell.url for cell in CSRF_CELLS} == {cell.url for cell in CELLS}


@pytest.mark.parametrize("cell", CSRF_CELLS, ids=[cell.id for cell in CSRF_CELLS])
def test_post_without_csrf_token_is_refused(world, sessions, cell: Cell):
    STATS["matrix endpoints run (POST without CSRF token)"] += 1
    path, obj, pair = target(world, cell)
    user = world.role_user(cell.role, pair)
    client, _token = fresh_browser(sessions, user)  # has the CSRF cookie, sends no token

    response, changes, writes = perform(
        lambda: client.post(path, post_data(cell, world, obj, user))
    )

    assert response.status_code == HTTPStatus.FORBIDDEN, cell.id
    assert b"This form has expired" in response.content
    assert (changes, writes) == ([], [])
