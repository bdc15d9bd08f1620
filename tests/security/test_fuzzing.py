"""Hostile input to every form and view that takes input, driven by hypothesis.

Each example posts values drawn from huge, empty, unicode (NUL, right-to-left override, emoji),
markup, template and SQL-ish strings, numbers of every size, lists where one value is expected,
and other people's object ids, with any field missing. After each one:

- no response is a server error (the client does not raise; status < 500);
- markup from the input never comes back unescaped, on the answer or on the pages that show
  the saved value (to its author and to its readers);
- the database holds nothing it must not: no NUL in text, no statement with breach words past
  draft, nothing on a pair or review by someone who is not part of it, consent only on the
  exact text (see assert_invariants);

and everything it did is rolled back (a savepoint per example), so examples are independent.
Runs are deterministic (derandomize) and bounded (max_examples per target).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agreements.models import Agreement, Answer, Question, Signature
from agreements.selectors import asked_questions
from mentorship.models import Meeting, Pair, User
from promotions.breach import assess
from promotions.models import PromotionReview, Statement, text_sha256
from promotions.services import caution_categories, program_phrases
from tests.security.conftest import STATS, World
from tests.security.web import STATE_MODELS, browser, form_data, perform, site_paths

pytestmark = pytest.mark.django_db

EXAMPLES = 30  # per target; the whole module stays well under a minute on SQLite

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Markup that must never come back raw. Each is distinctive, so finding it verbatim in a page
# means it was rendered unescaped.
MARKUP = [
    '<script>alert("xss-probe")</script>',
    '"><img src=x onerror=alert(1) data-probe=1>',
    "'><svg onload=alert(1) data-probe=2>",
    "<xss-probe>",
    "</textarea><script>xss_probe()</script>",
    '<a href="javascript:alert(1)">xss-probe</a>',
    "<iframe srcdoc='<script>xss_probe()</script>'>",
]
HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202eevil\u202c",
    "\u200b\u200d\ufeff",
    "😀" * 300,
    "Z̸̡̛͓̙a̷l̶g̸o̵" * 20,
    "A" * 20_000,
    "line\r\nbreak\rcarriage\n",
    "{{ request.user.password }}",
    "{% debug %}",
    "${7*7} #{7*7} %s %n %x",
    "' OR '1'='1' --",
    "1; DROP TABLE mentorship_user; --",
    "%' AND 1=CAST((SELECT version()) AS int) --",
    "../../../../etc/passwd",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "true",
    "null",
    *MARKUP,
]
# Breach words, so some statements must be stopped by the guard.
BREACHES = ["disorganized", "unprofessional and lazy", "not ready to lead", "poor performer"]

hostile_text = st.one_of(
    st.text(max_size=120),
    st.sampled_from(HOSTILE),
    st.tuples(st.text(max_size=30), st.sampled_from(HOSTILE)).map("".join),
)
numbers = st.integers(min_value=-(10**30), max_value=10**30).map(str)
scalar = st.one_of(hostile_text, numbers)
# A list stands for a field sent several times (a type the form does not expect).
value = st.one_of(scalar, scalar, scalar, st.lists(scalar, min_size=2, max_size=3))


def field(*good: str) -> st.SearchStrategy:
    """A field's value: one of the good ones, or anything hostile."""
    return st.one_of(st.sampled_from(good), value) if good else value


# --- Targets ----------------------------------------------------------------------------------


@dataclass
class Target:
    user: str  # who posts ("" for anonymous)
    path: Callable[[World], str]
    fields: Callable[[World], dict[str, st.SearchStrategy]]
    # (who reads, which page) after the post: where the saved value is shown
    pages: Callable[[World], list[tuple[str, str]]] = lambda w: []


def _statement_fields(w: World) -> dict:
    return {
        "text": st.one_of(
            hostile_text,
            st.tuples(hostile_text, st.sampled_from(BREACHES)).map(" ".join),
        ),
        "facts": st.lists(field("We met 4 times of 5 planned since May 2024."), max_size=3),
        "action": field("Save draft", "Save and ask for consent"),
    }


def _review_pages(w: World) -> list[tuple[str, str]]:
    review = w.reviews["open"]
    return [
        ("maria", reverse("promotions:input", args=[review.pk])),
        ("carol", reverse("promotions:consent", args=[review.pk])),
        ("lee", reverse("promotions:review", args=[review.pk])),
    ]


def _pair_pages(w: World, pair: str = "agreed") -> list[tuple[str, str]]:
    pk = w.pairs[pair].pk
    mentee = w.pairs[pair].mentee.username
    return [
        ("maria", reverse("mentorship:pair", args=[pk])),
        (mentee, reverse("agreements:questionnaire", args=[pk])),
        ("maria", reverse("agreements:compare", args=[pk])),
        ("maria", reverse("agreements:history", args=[pk])),
    ]


TARGETS: dict[str, Target] = {
    "meeting log": Target(
        "maria",
        lambda w: reverse("mentorship:pair", args=[w.pairs["agreed"].pk]),
        lambda w: {
            "held_on": field("2024-02-29", "2000-01-01", "9999-12-31", "0001-01-01", "2024-13-45"),
            "duration_minutes": field("0", "45", "1440", "1441", "-5"),
            "status": field("held", "missed"),
            "notes": hostile_text,
        },
        _pair_pages,
    ),
    "preferences": Target(
        "maria",
        lambda w: reverse("mentorship:preferences"),
        lambda w: {"time_zone": field("Europe/Berlin", "UTC", "Mars/Olympus_Mons", "")},
        lambda w: [("maria", reverse("mentorship:dashboard"))],
    ),
    "questionnaire": Target(
        "dana",
        lambda w: reverse("agreements:questionnaire", args=[w.pairs["fresh"].pk]),
        lambda w: {
            **{
                f"{prefix}_{q.pk}": (field(*Answer.Value.values) if prefix == "q" else hostile_text)
                for q in asked_questions(w.pairs["fresh"])
                for prefix in ("q", "c")
            },
            "q_999999": field("agree"),
            "submit": field("Submit"),
        },
        lambda w: _pair_pages(w, "fresh"),
    ),
    "terms": Target(
        "maria",
        lambda w: reverse("agreements:terms", args=[w.pairs["agreed"].pk]),
        lambda w: {
            "confidentiality_scope": field(*Agreement.Scope.values),
            "allows_promotion_participation": field("on", ""),
            "allows_advocacy": field("on", ""),
            "allows_engagement": field("on", ""),
            "exceptions": hostile_text,
        },
        lambda w: [
            ("carol", reverse("agreements:pair", args=[w.pairs["agreed"].pk])),
            ("maria", reverse("agreements:terms", args=[w.pairs["agreed"].pk])),
        ],
    ),
    "sign": Target(
        "carol",
        lambda w: reverse("agreements:sign", args=[w.agreements["awaiting_signatures"].pk]),
        lambda w: {
            "text_sha256": field(w.agreements["awaiting_signatures"].text_sha256, "0" * 64),
            "acknowledge": field("on"),
            "typed_name": field("Carol Chen", "  carol   CHEN ", "Maria Lopez"),
            "password": field("pw", "wrong"),
        },
        lambda w: [("maria", reverse("agreements:detail", args=[w.agreements["active"].pk]))],
    ),
    "end": Target(
        "carol",
        lambda w: reverse("agreements:end", args=[w.agreements["active"].pk]),
        lambda w: {"reason": hostile_text},
        lambda w: [("maria", reverse("agreements:detail", args=[w.agreements["active"].pk]))],
    ),
    "new statement": Target(
        "maria",
        lambda w: reverse("promotions:statement_new", args=[w.reviews["open"].pk, "engagement"]),
        _statement_fields,
        _review_pages,
    ),
    "statement edit": Target(
        "maria",
        lambda w: reverse("promotions:statement_edit", args=[w.statements["shared"].pk]),
        _statement_fields,
        _review_pages,
    ),
    "consent": Target(
        "carol",
        lambda w: reverse(
            "promotions:statement_consent", args=[w.statements["awaiting_consent"].pk]
        ),
        lambda w: {
            "text_sha256": field(text_sha256(w.statements["awaiting_consent"].text), "f" * 64)
        },
        _review_pages,
    ),
    "decline": Target(
        "carol",
        lambda w: reverse(
            "promotions:statement_decline", args=[w.statements["awaiting_consent"].pk]
        ),
        lambda w: {"reason": hostile_text},
        _review_pages,
    ),
    "assessment": Target(
        "sam",
        lambda w: reverse("promotions:assessment", args=[w.reviews["open"].pk]),
        lambda w: {"text": hostile_text},
        lambda w: [
            ("sam", reverse("promotions:assessment", args=[w.reviews["open"].pk])),
            ("lee", reverse("promotions:review", args=[w.reviews["open"].pk])),
        ],
    ),
    "login": Target(
        "",
        lambda w: reverse("login"),
        lambda w: {
            "username": field("maria", "MARIA", "maria\x00"),
            "password": field("pw"),
            "next": field("/", "//evil.example/", "https://evil.example/", "/\\evil.example"),
        },
    ),
    "password reset": Target(
        "",
        lambda w: reverse("password_reset"),
        lambda w: {"email": field("maria@example.com", "nobody@example.com", "a@b")},
    ),
    "password change": Target(
        "otto",
        lambda w: reverse("password_change"),
        lambda w: {
            "old_password": field("pw"),
            "new_password1": field("Correct-horse-battery-9"),
            "new_password2": field("Correct-horse-battery-9"),
        },
    ),
}

GUIDELINE_TEXTS = (
    "title",
    "body",
    "clarification",
    "qualification",
    "expectations",
    "acceptable_examples",
    "breach_examples",
)

# The admin's add forms, as a program admin (they carry their inline's management form).
ADMIN_TARGETS: dict[str, tuple[str, Callable[[World], dict[str, st.SearchStrategy]]]] = {
    "promotions_breachphrase": (
        "hana",
        lambda w: {
            "program": field(str(w.program.pk), "999999"),
            "phrase": hostile_text,
            "explanation": hostile_text,
        },
    ),
    "agreements_question": (
        "hana",
        lambda w: {
            "program": field(str(w.program.pk)),
            "order": field("1", "32767", "32768", "-1"),
            "text": hostile_text,
            "guideline_answer": field("agree", "disagree", ""),
            "guideline_note": hostile_text,
            "maps_to_term": field(*Question.Term.values, ""),
            "is_active": field("on", ""),
        },
    ),
    "mentorship_guideline": (
        "hana",
        lambda w: {
            "program": field(str(w.program.pk)),
            **dict.fromkeys(GUIDELINE_TEXTS, hostile_text),
        },
    ),
    "mentorship_program": (
        "hana",
        lambda w: {
            "name": hostile_text,
            "description": hostile_text,
            "starts_on": field("2024-01-01", "2024-02-30"),
            "ends_on": field("2023-01-01", "2025-01-01"),
        },
    ),
    "promotions_promotionreview": (
        "hana",
        lambda w: {
            "program": field(str(w.program.pk)),
            "candidate": field(str(w.users["carol"].pk), str(w.users["sam"].pk)),
            "supervisor": field(str(w.users["sam"].pk), str(w.users["carol"].pk)),
            "target_role": hostile_text,
        },
    ),
}


# --- Checks -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def clients(world, django_db_blocker) -> dict[str, Client]:
    """Signed-in clients for everyone, made once (sessions live as long as the world)."""
    with django_db_blocker.unblock():
        result = {"": browser(None, enforce_csrf_checks=False)}
        for username, user in world.users.items():
            result[username] = browser(user, enforce_csrf_checks=False)
    return result


@contextmanager
def rolled_back():
    """Undo everything an example did, even a PostgreSQL error that aborted the transaction."""
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)


def sent_values(data: dict) -> list[str]:
    values = []
    for item in data.values():
        values.extend(item if isinstance(item, list) else [item])
    return values


def assert_escaped(body: bytes, data: dict, where: str) -> None:
    text = body.decode(errors="replace")
    for sent in sent_values(data):
        for markup in MARKUP:
            if markup in sent:
                assert markup not in text, f"unescaped markup on {where}: {markup}"
    assert "md5$" not in text, f"a password hash on {where}"  # template injection evaluated


def assert_invariants(world: World) -> None:
    """What must hold in the database whatever was posted."""
    for model in STATE_MODELS:
        text_fields = [
            f.attname for f in model._meta.concrete_fields if f.get_internal_type() in TEXTY
        ]
        if not text_fields:
            continue
        for row in model._base_manager.values_list(*text_fields):
            assert not any("\x00" in (v or "") for v in row), f"NUL saved in {model.__name__}"
    phrases = program_phrases(world.program.pk)
    for statement in Statement.objects.select_related("pair", "review"):
        assert statement.pair.mentee_id == statement.review.candidate_id
        assert statement.pair.program_id == statement.review.program_id
        assert 0 < len(statement.text) <= 4000
        if statement.state != Statement.State.DRAFT:
            assessment = assess(statement.text, phrases)
            assert not assessment.blocks, statement.state
            # A caution reaches the mentee only recorded, so their page can say why.
            assert statement.guard_cautions == caution_categories(assessment), statement.state
        else:
            assert statement.guard_cautions == ""
        if statement.state == Statement.State.SHARED:
            assert statement.consent_is_current
    for answer in Answer.objects.select_related("pair"):
        assert answer.respondent_id in (answer.pair.mentor_id, answer.pair.mentee_id)
    for meeting in Meeting.objects.select_related("pair"):
        assert meeting.recorded_by_id in (meeting.pair.mentor_id, meeting.pair.mentee_id)
    for agreement in Agreement.objects.select_related("pair"):
        members = (agreement.pair.mentor_id, agreement.pair.mentee_id)
        assert agreement.proposed_by_id in (*members, None)
    for signature in Signature.objects.select_related("agreement__pair"):
        assert signature.role == signature.agreement.pair.role_of(signature.signer)
    for review in PromotionReview.objects.all():
        assert review.candidate_id != review.supervisor_id
        assert not review.seats.filter(user_id=review.candidate_id).exists()


TEXTY = {"CharField", "TextField", "EmailField", "SlugField"}


def submit(client: Client, path: str, data: dict):
    response = client.post(path, data)
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, (path, data)
    return response


# --- The fuzz tests ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(TARGETS))
def test_hostile_form_input(world, clients, name):
    target = TARGETS[name]
    path = target.path(world)
    fields = target.fields(world)
    pages = target.pages(world)

    @FUZZ
    @given(data=st.fixed_dictionaries({}, optional=fields))
    def run(data):
        STATS["fuzz cases run"] += 1
        client = clients[target.user]
        if name == "password change":  # success rotates the session: a session of its own
            client = browser(world.users["otto"], enforce_csrf_checks=False)
        with rolled_back():
            response, _changes, writes = perform(lambda: client.post(path, data))
            assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, (path, data)
            assert_escaped(response.content, data, path)
            if response.status_code == HTTPStatus.FOUND:
                location = response["Location"]
                assert location.startswith("/"), location  # never off-site (login's next)
                assert not location.startswith(("//", "/\\")), location
                # Where the saved value (or a message about it) is shown next.
                for reader, page in [(target.user, location), *pages]:
                    shown = clients[reader].get(page)
                    assert shown.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, page
                    assert_escaped(shown.content, data, page)
            if writes:
                assert_invariants(world)

    run()


@pytest.mark.parametrize("name", list(ADMIN_TARGETS))
def test_hostile_admin_input(world, clients, name):
    """Admin add forms: a program admin's input is shown back escaped (and sanitized Markdown)."""
    username, fields_of = ADMIN_TARGETS[name]
    client = clients[username]
    add = reverse(f"admin:{name}_add")
    baseline = form_data(client.get(add), form_id=None)
    fields = fields_of(world)
    model = apps.get_model(*name.split("_", 1))

    @FUZZ
    @given(data=st.fixed_dictionaries({}, optional=fields))
    def run(data):
        STATS["fuzz cases run"] += 1
        with rolled_back():
            newest = model.objects.order_by("-pk").values_list("pk", flat=True).first()
            response = submit(client, add, {**baseline, **data})
            assert_escaped(response.content, data, add)
            created = model.objects.filter(pk__gt=newest or 0).first()
            if created is not None:
                change = reverse(f"admin:{name}_change", args=[created.pk])
                for page in (change, reverse(f"admin:{name}_changelist")):
                    shown = client.get(page)
                    assert shown.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, page
                    assert_escaped(shown.content, data, page)
            assert_invariants(world)

    run()


# Every POST URL with an object id, and who may change that object through it.
ACTIONS: dict[str, Callable[[object], set[int]]] = {
    "mentorship:pair": lambda p: {p.mentor_id, p.mentee_id},
    "agreements:questionnaire": lambda p: {p.mentor_id, p.mentee_id},
    "agreements:terms": lambda p: {p.mentor_id, p.mentee_id},
    "agreements:sign": lambda a: {a.pair.mentor_id, a.pair.mentee_id},
    "agreements:end": lambda a: {a.pair.mentor_id, a.pair.mentee_id},
    "agreements:withdraw": lambda a: {a.pair.mentor_id, a.pair.mentee_id},
    "promotions:statement_edit": lambda s: {s.pair.mentor_id},
    "promotions:statement_submit": lambda s: {s.pair.mentor_id},
    "promotions:statement_consent": lambda s: {s.pair.mentee_id},
    "promotions:statement_decline": lambda s: {s.pair.mentee_id},
    "promotions:statement_withdraw": lambda s: {s.pair.mentee_id},
    "promotions:assessment": lambda r: {r.supervisor_id},
    "promotions:statement_new": lambda r: set(
        Pair.objects.active()
        .filter(program_id=r.program_id, mentee_id=r.candidate_id)
        .values_list("mentor_id", flat=True)
    ),
}
OBJECTS = {
    "mentorship": Pair,
    "agreements:questionnaire": Pair,
    "agreements:terms": Pair,
    "agreements:sign": Agreement,
    "agreements:end": Agreement,
    "agreements:withdraw": Agreement,
    "promotions:assessment": PromotionReview,
    "promotions:statement_new": PromotionReview,
}


def object_model(url: str):
    return OBJECTS.get(url, OBJECTS.get(url.split(":")[0])) or Statement


def test_other_peoples_ids(world, clients):
    """Anyone posts to any action with any object's id (or a made-up one): nothing changes
    unless they are the person that action belongs to, and nobody gets a server error."""
    users = sorted(clients)
    ids = {model: list(model.objects.values_list("pk", flat=True)) for model in OBJECTS.values()}
    ids[Statement] = list(Statement.objects.values_list("pk", flat=True))

    @settings(FUZZ, max_examples=EXAMPLES * 4)
    @given(
        username=st.sampled_from(users),
        url=st.sampled_from(sorted(ACTIONS)),
        pick=st.one_of(st.integers(min_value=0, max_value=50), st.integers(min_value=1)),
        text=hostile_text,
    )
    def run(username, url, pick, text):
        STATS["fuzz cases run"] += 1
        model = object_model(url)
        known = ids[model]
        pk = known[pick % len(known)] if pick <= 50 else pick % (2**62)
        args = [pk, "advocacy"] if url == "promotions:statement_new" else [pk]
        obj = model.objects.filter(pk=pk).first()
        user = world.users.get(username)
        data = {
            "text": text,
            "reason": text,
            "notes": text,
            "exceptions": text,
            "action": "Save draft",
            "held_on": "2024-01-02",
            "duration_minutes": "30",
            "status": "held",
            "confidentiality_scope": "agreed_exceptions",
            "allows_promotion_participation": "on",
            "allows_advocacy": "on",
            "acknowledge": "on",
            "password": "pw",
            "typed_name": user.full_name if user else "",
            "text_sha256": getattr(obj, "text_sha256", None)
            or text_sha256(getattr(obj, "text", "")),
        }
        with rolled_back():
            response, changes, _writes = perform(
                lambda: clients[username].post(reverse(url, args=args), data)
            )
            assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, (url, pk, username)
            if changes:
                assert obj is not None
                assert user is not None
                assert user.pk in ACTIONS[url](obj), f"{username} changed {changes} via {url}"
                allowed_changes.append((username, url))
            assert_invariants(world)

    allowed_changes: list = []
    run()
    assert allowed_changes, "no example was a rightful change: the check above never ran"


# --- Query strings ----------------------------------------------------------------------------

ADMIN_LISTS = [
    "mentorship_pair",
    "mentorship_auditevent",
    "mentorship_user",
    "promotions_promotionreview",
    "agreements_agreement",
    "agreements_question",
]


def test_hostile_query_strings(world, clients):
    """Admin changelist searches, orderings, pages and filters; the login page's next."""
    no_nul = hostile_text.filter(lambda v: "\x00" not in v)  # NUL: see the test below

    @settings(FUZZ, max_examples=EXAMPLES * 3)
    @given(
        changelist=st.sampled_from(ADMIN_LISTS),
        params=st.dictionaries(
            st.sampled_from(["q", "o", "p", "status", "action", "program__id__exact", "e"]),
            st.one_of(no_nul, numbers),
            max_size=3,
        ),
        who=st.sampled_from(["hana", "ada"]),
    )
    def run(changelist, params, who):
        STATS["fuzz cases run"] += 1
        with rolled_back():
            response = clients[who].get(reverse(f"admin:{changelist}_changelist"), params)
            assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, params
            assert_escaped(response.content, params, changelist)

    run()


NUL_QUERIES = [
    ("hana", "admin:mentorship_pair_changelist", {"status": "\x00"}),
    ("hana", "admin:mentorship_auditevent_changelist", {"action": "a\x00"}),
    (
        "hana",
        "admin:autocomplete",
        {
            "app_label": "mentorship",
            "model_name": "pair",
            "field_name": "mentor",
            "term": "\x00",
        },
    ),
    ("hana", "admin:mentorship_pair_changelist", {"q": "\x00"}),
    ("maria", "login", {"next": "/\x00"}),
]


@pytest.mark.parametrize(("who", "url", "params"), NUL_QUERIES)
def test_nul_in_query_strings(world, clients, who, url, params):
    """A NUL in a query string is refused with 400 (PostgreSQL text cannot hold NUL; the admin's
    list filters and autocomplete used to pass it to the driver: a 500)."""
    with rolled_back():
        response = clients[who].get(reverse(url), params)
    assert response.status_code == HTTPStatus.BAD_REQUEST


PAGE_PARAMS = ["page", "as_mentor", "as_mentee", "attention", "meetings", "history", "next"]


@pytest.mark.parametrize("page", ["0", "-3", "2", "abc", "1e5", "\x00", "99999999999999999999"])
def test_hostile_page_numbers(world, clients, page):
    """Every paged list (mentorship.selectors.page_of) with any page number."""
    pair = world.pairs["agreed"]
    pages = [
        reverse("mentorship:dashboard"),
        reverse("agreements:index"),
        reverse("promotions:index"),
        reverse("mentorship:pair", args=[pair.pk]),
        reverse("agreements:pair", args=[pair.pk]),
        reverse("agreements:history", args=[pair.pk]),
    ]
    # A NUL anywhere in a query string is refused before any view (RefuseNulMiddleware).
    expected = HTTPStatus.BAD_REQUEST if "\x00" in page else HTTPStatus.OK
    for path in pages:
        with rolled_back():
            response = clients["maria"].get(path, dict.fromkeys(PAGE_PARAMS, page))
        assert response.status_code == expected, path
        STATS["fuzz cases run"] += 1


def test_hostile_query_strings_on_every_page(world, clients):
    """Any page of the site (every URL of the URLconf, real ids) with any query string."""
    paths = site_paths(world)

    @settings(FUZZ, max_examples=EXAMPLES * 3)
    @given(
        path=st.sampled_from(paths),
        who=st.sampled_from(["maria", "carol", "lee", "sam", "hana", ""]),
        params=st.dictionaries(
            st.one_of(st.sampled_from(PAGE_PARAMS), st.text(min_size=1, max_size=10)),
            st.one_of(hostile_text, numbers),
            max_size=4,
        ),
    )
    def run(path, who, params):
        STATS["fuzz cases run"] += 1
        with rolled_back():
            response = clients[who].get(path, params)
        assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, (path, params)
        assert_escaped(response.content, params, path)

    run()


@pytest.mark.parametrize(
    "path",
    [
        "/pairs/99999999999999999999/",
        "/agreements/99999999999999999999/",
        "/agreements/pairs/99999999999999999999/terms/",
        "/reviews/99999999999999999999/",
        "/reviews/1/input/new/%00/",
        "/reviews/1/input/new/advocacy%20OR%201=1/",
        "/reviews/statements/99999999999999999999/edit/",
        "/admin/mentorship/pair/99999999999999999999/change/",
        "/admin/mentorship/pair/%00/change/",
        "/admin/mentorship/pair/1%27%20OR%201=1/change/",
        "/admin/r/99999999999999999999/1/",
    ],
)
@pytest.mark.parametrize("who", ["maria", "hana", "ada"])
def test_hostile_ids_in_paths(world, clients, path, who):
    with rolled_back():
        response = clients[who].get(path)
    if "%00" in path:  # refused before any view (RefuseNulMiddleware)
        assert response.status_code == HTTPStatus.BAD_REQUEST
    else:
        assert response.status_code in (HTTPStatus.NOT_FOUND, HTTPStatus.FOUND), (
            response.status_code
        )
    assert User.objects.exists()


def test_nul_characters_are_refused_by_every_text_field(world, clients):
    """Django's CharField refuses NUL (ProhibitNullCharactersValidator): a NUL anywhere in a
    text the user types is a form error (200, nothing saved), on SQLite and PostgreSQL alike."""
    nul = "before\x00after"
    review, pair = world.reviews["open"], world.pairs["agreed"]
    posts = [
        (
            "maria",
            reverse("mentorship:pair", args=[pair.pk]),
            {
                "held_on": pair.started_on.isoformat(),
                "duration_minutes": "30",
                "status": "held",
                "notes": nul,
            },
        ),
        (
            "maria",
            reverse("promotions:statement_new", args=[review.pk, "advocacy"]),
            {"text": nul, "action": "Save draft"},
        ),
        ("sam", reverse("promotions:assessment", args=[review.pk]), {"text": nul}),
        ("carol", reverse("agreements:end", args=[world.agreements["active"].pk]), {"reason": nul}),
        (
            "maria",
            reverse("agreements:terms", args=[pair.pk]),
            {
                "confidentiality_scope": "strict",
                "exceptions": nul,
            },
        ),
        (
            "dana",
            reverse("agreements:questionnaire", args=[world.pairs["fresh"].pk]),
            {f"c_{q.pk}": nul for q in asked_questions(world.pairs["fresh"])},
        ),
        ("", reverse("login"), {"username": nul, "password": nul}),
    ]
    for who, path, data in posts:
        with rolled_back():
            response = clients[who].post(path, data)
            assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND), path
            assert_invariants(world)
        STATS["fuzz cases run"] += 1


def test_decline_reason_with_nul_is_refused(world, clients):
    """The consent page comes back with a message and the reason as typed, less the NUL; the
    reason is never saved."""
    statement = world.statements["awaiting_consent"]
    with rolled_back():
        response = clients["carol"].post(
            reverse("promotions:statement_decline", args=[statement.pk]), {"reason": "no\x00"}
        )
        assert response.status_code == HTTPStatus.OK
        assert b"Null characters are not allowed." in response.content
        assert b"\x00" not in response.content
        statement.refresh_from_db()
        assert statement.state == Statement.State.AWAITING_CONSENT


@pytest.mark.parametrize("tampered", [":", "abc", "1.5", "-1", "99999999999999999999", "\x00"])
def test_a_tampered_autocomplete_choice_is_a_form_error(world, clients, tampered):
    """The admin's autocomplete selects re-render a posted value that is no key at all (found
    by the fuzzer: "candidate=:" was a 500) as a form error on that field."""
    client = clients["hana"]
    for name, fields in (
        ("promotions_promotionreview", ("candidate", "supervisor")),
        ("mentorship_pair", ("mentor", "mentee")),
    ):
        add = reverse(f"admin:{name}_add")
        data = {**form_data(client.get(add)), **dict.fromkeys(fields, tampered)}
        with rolled_back():
            response = client.post(add, data)
        assert response.status_code == HTTPStatus.OK, (name, tampered)
        assert set(fields) <= set(response.context_data["adminform"].form.errors)
