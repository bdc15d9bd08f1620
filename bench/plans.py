"""EXPLAIN every SELECT the participant pages run, and every scoped read (visible_to), against
a seeded database; report each Seq Scan on a big table.

Used by bench/explain.py (against the scale database) and by
tests/performance/test_query_plans.py (PostgreSQL only, on a moderately large data set).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import QuerySet
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Agreement, Answer
from mentorship.audit import audit_events_visible_to
from mentorship.models import Meeting, Pair
from promotions.models import PromotionReview, Statement
from promotions.scale import Personas

# Tables that grow with the company: a sequential scan of any of them is a finding.
BIG_TABLES = {
    "mentorship_user",
    "mentorship_pair",
    "mentorship_meeting",
    "mentorship_auditevent",
    "agreements_agreement",
    "agreements_signature",
    "agreements_answer",
    "agreements_questionnairesubmission",
    "promotions_promotionreview",
    "promotions_panelseat",
    "promotions_statement",
    "promotions_statementview",
}
SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")


@dataclass(frozen=True)
class Plan:
    source: str  # the page or the scoped read
    sql: str
    plan: str

    @property
    def seq_scans(self) -> set[str]:
        return set(SEQ_SCAN.findall(self.plan)) & BIG_TABLES


def explain(sql: str, params=()) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def page_urls(p: Personas) -> list[tuple[str, object, str]]:
    """(name, viewer, url) for every participant page."""
    pair, review, agreement = p.pair, p.review, p.agreement
    draft = Statement.objects.filter(review=review, pair=pair, state="draft").first()
    pages = [
        ("dashboard (mentor)", p.mentor, reverse("mentorship:dashboard")),
        ("dashboard (mentee)", p.mentee, reverse("mentorship:dashboard")),
        ("dashboard (panel member)", p.panel_member, reverse("mentorship:dashboard")),
        ("pair page", p.mentor, reverse("mentorship:pair", args=[pair.pk])),
        ("agreements index", p.mentor, reverse("agreements:index")),
        ("agreements pair", p.mentor, reverse("agreements:pair", args=[pair.pk])),
        ("questionnaire", p.mentee, reverse("agreements:questionnaire", args=[pair.pk])),
        ("compare", p.mentor, reverse("agreements:compare", args=[pair.pk])),
        ("terms", p.mentor, reverse("agreements:terms", args=[pair.pk])),
        ("agreement detail", p.mentee, reverse("agreements:detail", args=[agreement.pk])),
        ("agreement history", p.mentor, reverse("agreements:history", args=[pair.pk])),
        ("agreement print", p.mentor, reverse("agreements:print", args=[agreement.pk])),
        ("reviews index (panel)", p.panel_member, reverse("promotions:index")),
        ("reviews index (mentor)", p.mentor, reverse("promotions:index")),
        ("reviews index (candidate)", p.mentee, reverse("promotions:index")),
        ("reviews index (supervisor)", p.supervisor, reverse("promotions:index")),
        ("panel review page", p.panel_member, reverse("promotions:review", args=[review.pk])),
        ("mentor input", p.mentor, reverse("promotions:input", args=[review.pk])),
        ("consent page", p.mentee, reverse("promotions:consent", args=[review.pk])),
        ("assessment", p.supervisor, reverse("promotions:assessment", args=[review.pk])),
    ]
    if draft is not None:
        edit = reverse("promotions:statement_edit", args=[draft.pk])
        pages.append(("statement form (edit)", p.mentor, edit))
    return pages


def scoped_reads(p: Personas) -> list[tuple[str, QuerySet]]:
    """Every visible_to, and the admin's hidden statements, for each kind of viewer, on its own
    (no page's extra filter)."""
    reads = []
    for who in ("mentor", "mentee", "panel_member", "supervisor"):
        user = getattr(p, who)
        reads += [
            (f"Pair.visible_to({who})", Pair.objects.visible_to(user)),
            (f"Meeting.visible_to({who})", Meeting.objects.visible_to(user)),
            (f"Agreement.visible_to({who})", Agreement.objects.visible_to(user)),
            (f"Answer.visible_to({who})", Answer.objects.visible_to(user)),
            (f"Statement.visible_to({who})", Statement.objects.visible_to(user)),
            (f"PromotionReview.visible_to({who})", PromotionReview.objects.visible_to(user)),
        ]
    return reads


def page_plans(p: Personas) -> list[Plan]:
    """Request every page (in a transaction rolled back afterwards: the panel page writes) and
    EXPLAIN each SELECT it ran."""
    plans = []
    for name, viewer, url in page_urls(p):
        with transaction.atomic():
            client = Client()
            client.force_login(viewer)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            if response.status_code != 200:
                raise AssertionError(f"{name}: {url} answered {response.status_code}")
            for query in captured.captured_queries:
                sql = query["sql"]
                if sql.lstrip().upper().startswith("SELECT"):
                    plans.append(Plan(source=name, sql=sql, plan=explain(sql)))
            transaction.set_rollback(True)
    return plans


def read_plans(p: Personas) -> list[Plan]:
    plans = []
    for name, queryset in scoped_reads(p):
        sql, params = queryset.query.sql_with_params()
        plans.append(
            Plan(source=name, sql=sql % tuple(map(repr, params)), plan=explain(sql, params))
        )
    admin_events = audit_events_visible_to(p.program_admin).order_by("-id")[:100]
    sql, params = admin_events.query.sql_with_params()
    plans.append(
        Plan(
            source="audit_events_visible_to(program admin), newest 100",
            sql=sql,
            plan=explain(sql, params),
        )
    )
    return plans


def all_plans(p: Personas) -> list[Plan]:
    return page_plans(p) + read_plans(p)
