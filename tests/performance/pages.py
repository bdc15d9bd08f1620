"""Every page with its viewer, and how to measure one request's queries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from promotions.models import Statement
from promotions.program_lists import LISTS
from tests.performance.nplusone import repeated_selects
from tests.performance.worlds import Cast


@dataclass(frozen=True)
class Page:
    name: str
    viewer: str  # attribute of Cast
    url: Callable[[Cast], str]
    budget: int
    queries: str  # what they are, in order (the steady state: session already stamped)


def _agreement(cast: Cast) -> int:
    return cast.agreement.pk


SESSION = "session, user"
FLOW = "flow: submissions, published guidelines, open+active agreements"
DASHBOARD_ROLES = f"{SESSION}, the viewer's roles (one query of EXISTS conditions)"
DASHBOARD = (
    f"{DASHBOARD_ROLES}, pairs as mentor or as mentee (one page, only for that role); the "
    "active pairs (+members, last meeting, submissions, current guideline), shared by the "
    "overdue check, the flows and the input invitations; the flows' agreements; then, until "
    "the first page of attention is full: consents awaiting (mentees), input invitations "
    "(mentors of an active pair), assessments due (supervisors), statements sent back "
    "(mentors); sections only for their role: the panel's open and closed reviews (one page "
    "each), the candidate's withdrawable consents (mentees, one page)"
)
# Issue 17: each provider and section is asked only of people who hold its role, and the
# active pairs are read once for all of them. A mentor: roles, pairs as mentor, active pairs,
# agreements, input invitations, statements sent back. A mentee: roles, pairs as mentee, active
# pairs, agreements, consents awaiting, withdrawable consents.
DASHBOARD_BUDGET = 8
DASHBOARD_PANEL = f"{DASHBOARD_ROLES}; the panel's open and closed reviews (one page each)"
DASHBOARD_SUPERVISOR = f"{DASHBOARD_ROLES}; assessments due"
# A program admin without pairs: the group check and the three lists of their section.
DASHBOARD_ADMIN = (
    f"{DASHBOARD_ROLES}; program-admin check (groups), proposed pairs, open reviews without a "
    "panel, undelivered emails counted"
)
REVIEWS_INDEX = (
    f"{SESSION}, one page of reviews with the viewer's roles, the viewer's input per "
    "review and state, statements awaiting the viewer's consent"
)

PARTICIPANT_PAGES = [
    Page(
        "dashboard as mentor",
        "maria",
        lambda c: reverse("mentorship:dashboard"),
        DASHBOARD_BUDGET,
        DASHBOARD,
    ),
    Page(
        "dashboard as mentee",
        "carol",
        lambda c: reverse("mentorship:dashboard"),
        DASHBOARD_BUDGET,
        DASHBOARD,
    ),
    Page(
        "dashboard as panel member",
        "lee",
        lambda c: reverse("mentorship:dashboard"),
        5,
        DASHBOARD_PANEL,
    ),
    Page(
        "dashboard as supervisor",
        "sam",
        lambda c: reverse("mentorship:dashboard"),
        4,
        DASHBOARD_SUPERVISOR,
    ),
    Page(
        "dashboard as program admin",
        "hana",
        lambda c: reverse("mentorship:dashboard"),
        7,
        DASHBOARD_ADMIN,
    ),
    Page(
        "pair page",
        "maria",
        lambda c: reverse("mentorship:pair", args=[c.pair.pk]),
        9,
        f"{SESSION}, pair (+program, people), guideline, engagement aggregate; agreement card "
        "(submissions, agreements; the page's guideline); reviews card (the pair's scope); one "
        "page of meetings",
    ),
    Page(
        "agreements index",
        "maria",
        lambda c: reverse("agreements:index"),
        6,
        f"{SESSION}, one page of pairs (+program, people); {FLOW} for all of them",
    ),
    Page(
        "agreements pair",
        "maria",
        lambda c: reverse("agreements:pair", args=[c.pair.pk]),
        9,
        f"{SESSION}, pair; {FLOW}; history: agreements (+guideline, ended_by), signatures, signers",
    ),
    Page(
        "questionnaire",
        "carol",
        lambda c: reverse("agreements:questionnaire", args=[c.pair.pk]),
        9,
        f"{SESSION}, pair, questions, own answers, has-submitted check; {FLOW}",
    ),
    Page(
        "compare",
        "maria",
        lambda c: reverse("agreements:compare", args=[c.pair.pk]),
        11,
        f"{SESSION}, pair, both-submitted check, visible answers (+question), questions; "
        f"{FLOW}; may-propose: submissions, guideline",
    ),
    Page(
        "terms",
        "maria",
        lambda c: reverse("agreements:terms", args=[c.pair.pk]),
        10,
        f"{SESSION}, pair; {FLOW}; may-propose: submissions, guideline; prefill: open "
        "proposal, active agreement",
    ),
    Page(
        "agreement detail",
        "carol",
        lambda c: reverse("agreements:detail", args=[_agreement(c)]),
        5,
        f"{SESSION}, agreement (+pair, program, people, the members' submissions, the current "
        "guideline's id and version); flow: open+active agreements; signatures (signers, "
        "proposer and ended_by are the pair's people; the signatures answer the is-signed "
        "check)",
    ),
    Page(
        "agreement history",
        "maria",
        lambda c: reverse("agreements:history", args=[c.pair.pk]),
        6,
        f"{SESSION}, pair, agreements (+guideline, ended_by), signatures, signers",
    ),
    Page(
        "agreement print",
        "maria",
        lambda c: reverse("agreements:print", args=[_agreement(c)]),
        6,
        f"{SESSION}, agreement (+pair...), is-signed check, signatures for the hash check, "
        "signatures (+signer)",
    ),
    Page(
        "agreement verify",
        "carol",
        lambda c: reverse("agreements:verify", args=[_agreement(c)]),
        4,
        f"{SESSION}, agreement (+pair...), signatures",
    ),
    Page(
        "reviews index as mentor", "maria", lambda c: reverse("promotions:index"), 5, REVIEWS_INDEX
    ),
    Page(
        "reviews index as panel member",
        "lee",
        lambda c: reverse("promotions:index"),
        5,
        REVIEWS_INDEX,
    ),
    Page(
        "reviews index as candidate",
        "carol",
        lambda c: reverse("promotions:index"),
        5,
        REVIEWS_INDEX,
    ),
    Page(
        "reviews index as supervisor",
        "sam",
        lambda c: reverse("promotions:index"),
        5,
        REVIEWS_INDEX,
    ),
    Page(
        "panel review page",
        "lee",
        lambda c: reverse("promotions:review", args=[c.review.pk]),
        12,
        f"{SESSION}, review (scoped, with the viewer's seat and last visit and the names it "
        "prints); one transaction (a savepoint here) for the visit's upsert, shared statements "
        "(+mentor) and the access record: StatementView insert, chain head (for update), audit "
        "insert, chain head update (one statement with the insert on PostgreSQL: 11 there), "
        "release; panel names (no candidate's-mentor check: separation of duties keeps the "
        "candidate's mentors off the panel)",
    ),
    Page(
        "mentor input",
        "maria",
        lambda c: reverse("promotions:input", args=[c.review.pk]),
        13,
        f"{SESSION}, review (scoped), candidate's-mentor check (pair), the mentor's pair, "
        "its active agreement, breach phrases, consent requests left (opt-out, count, limit in "
        "one), the mentor's statements, their pairs' active agreements (one prefetch), panel "
        "names, may-write check (pair), guideline",
    ),
    Page(
        "statement form (new)",
        "maria",
        lambda c: reverse("promotions:statement_new", args=[c.review.pk, "engagement"]),
        11,
        f"{SESSION}, review (scoped), candidate's-mentor check, the mentor's pair, its "
        "agreement, may-write check, engagement facts (one aggregate), consent requests left, "
        "panel names, guideline",
    ),
    Page(
        "statement form (edit)",
        "maria",
        lambda c: reverse(
            "promotions:statement_edit", args=[c.statement(Statement.State.DRAFT).pk]
        ),
        8,
        f"{SESSION}, statement (+review, pair, people), its agreement, consent requests left, "
        "panel names, guideline, breach phrases",
    ),
    Page(
        "consent page",
        "carol",
        lambda c: reverse("promotions:consent", args=[c.review.pk]),
        6,
        f"{SESSION}, review (scoped, with whether the candidate asked not to be asked "
        "again), statements (+mentor's name, +their pairs' active agreement terms, joined), "
        "showings of the decided page's statements grouped by viewer (one aggregate), panel "
        "names",
    ),
    Page(
        "assessment",
        "sam",
        lambda c: reverse("promotions:assessment", args=[c.review.pk]),
        4,
        f"{SESSION}, review (scoped), panel names",
    ),
    Page(
        "program dashboard",
        "hana",
        lambda c: reverse("mentorship:program_dashboard"),
        9,
        f"{SESSION}, program-admin check (groups), the viewer's panel seats and candidacies, "
        "then (the figures cache is off in tests) programs, pairs counted per program and "
        "status (with the agreement, meeting and questionnaire figures), differing answers "
        "counted per question, reviews per status, statements per state (the navigation's "
        "group check is answered from the user object)",
    ),
    *(
        Page(
            f"program list {key}",
            "hana",
            lambda c, name=pair_list.url_name: reverse(f"mentorship:{name}", args=[c.program.pk]),
            5,
            f"{SESSION}, program-admin check (groups), the program (scoped), one page of the "
            "list's pairs (+people, and its columns as subqueries)",
        )
        for key, pair_list in LISTS.items()
    ),
]

ADMIN_MODELS = [
    # (admin URL name prefix, queries between the permission checks and the nav's group check)
    ("mentorship_user", 9, "group filter choices, count, full count, page rows"),
    ("mentorship_program", 8, "count, full count, page rows (+active pairs, current version)"),
    ("mentorship_guideline", 9, "program filter choices, count, full count, page rows"),
    ("mentorship_pair", 9, "program filter choices, count, full count, page rows (+people)"),
    (
        "mentorship_auditevent",
        13,
        "group check and the panel member's hidden statements (twice: count and rows), count, "
        "full count, page rows (+actor), action filter choices",
    ),
    ("agreements_question", 9, "program filter choices, count, full count, page rows"),
    (
        "agreements_agreement",
        11,
        "program filter choices, count, full count, page rows (+pair, people, guideline), "
        "signatures, signers",
    ),
    ("agreements_signature", 8, "count, full count, page rows (+agreement, signer)"),
    (
        "promotions_promotionreview",
        9,
        "program filter choices, count, full count, page rows (+panel size, people)",
    ),
    ("promotions_breachphrase", 9, "program filter choices, count, full count, page rows"),
]
# A superuser skips the two permission queries and the nav's group check.
SUPERUSER_SAVES = 3
ADMIN_PAGES = [
    page
    for model, budget, queries in ADMIN_MODELS
    for page in (
        Page(
            f"admin {model} as program admin",
            "hana",
            lambda c, m=model: reverse(f"admin:{m}_changelist"),
            budget,
            f"{SESSION}, user permissions, group permissions, {queries}, nav group check",
        ),
        Page(
            f"admin {model} as superuser",
            "root",
            lambda c, m=model: reverse(f"admin:{m}_changelist"),
            budget - SUPERUSER_SAVES,
            f"{SESSION}, {queries}",
        ),
    )
] + [
    Page(
        "admin auth_group as superuser",
        "root",
        lambda c: reverse("admin:auth_group_changelist"),
        5,
        f"{SESSION}, count, full count, page rows",
    ),
    Page(
        "admin index",
        "hana",
        lambda c: reverse("admin:index"),
        7,
        f"{SESSION}, user permissions, group permissions, group checks (2), recent actions",
    ),
]

PAGES = PARTICIPANT_PAGES + ADMIN_PAGES


@dataclass(frozen=True)
class Measurement:
    status: int
    queries: int
    repeated: list[tuple[str, int]]
    sql: list[str]


def logged_in(cast: Cast, viewer: str) -> Client:
    """A client in the steady state: logged in, and the session's first-request stamp done."""
    client = Client()
    client.force_login(getattr(cast, viewer))
    client.get(reverse("mentorship:health"))
    client.get(reverse("mentorship:dashboard"))
    return client


def measure(client: Client, url: str) -> Measurement:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    queries = captured.captured_queries
    return Measurement(
        status=response.status_code,
        queries=len(queries),
        repeated=repeated_selects(queries),
        sql=[q["sql"] for q in queries],
    )
