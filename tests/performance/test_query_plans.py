"""On PostgreSQL, with a moderately large data set (seed_scale, 25,000 users: 10,000 pairs,
1,000 reviews, 50,000 statements, about 115,000 audit events, statistics freshly ANALYZEd),
every query the participant pages run and every scoped read (visible_to) is planned with
indexes: no Seq Scan of a big table. The plans are printed (see them with -s, or in the report
of a failure). About a minute: seeding is most of it.

Plans use random_page_cost = 1.1, the value docs/performance.md ("Running on more than one
machine") sets for the production database on SSD storage. (Under PostgreSQL's default of 4,
which models spinning disks, the planner reads the reviews table sequentially up to a few
thousand rows: there it is the cheaper plan.)
bench/explain.py runs the same checks against the full scale database.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.utils import timezone

from bench.plans import Plan, explain, page_plans, read_plans
from promotions import scale
from promotions.models import Statement, StatementView

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

USERS = 25_000


@pytest.fixture(scope="module")
def personas(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        scale.seed(USERS)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL random_page_cost = 1.1")
        yield scale.personas()
        transaction.set_rollback(True)


def report(plans: list[Plan]) -> list[str]:
    findings = []
    for plan in plans:
        print(f"\n=== {plan.source}\n{plan.sql[:600]}\n{plan.plan}")
        if plan.seq_scans:
            findings.append(f"{plan.source}: Seq Scan on {', '.join(sorted(plan.seq_scans))}")
    return findings


def test_every_page_query_uses_indexes(personas):
    plans = page_plans(personas)
    assert len({plan.source for plan in plans}) >= 20
    assert report(plans) == []


def test_every_scoped_read_uses_indexes(personas):
    plans = [plan for plan in read_plans(personas) if not plan.source.startswith("Answer.")]
    assert report(plans) == []


def test_answers_visible_to_a_user_use_indexes(personas):
    # On its own, with no pair to narrow it: the user's answers by respondent, the exchanged
    # ones by the pairs the user submitted for (agreements/models.py, AnswerQuerySet).
    plans = [plan for plan in read_plans(personas) if plan.source.startswith("Answer.")]
    assert report(plans) == []


def test_the_check_sees_a_sequential_scan(personas):
    # A query no index can serve: the check must notice it.
    assert Plan("probe", "", explain("SELECT * FROM promotions_statement")).seq_scans == {
        "promotions_statement"
    }


def test_the_consent_page_of_a_much_viewed_review_uses_indexes(personas):
    # A review whose panel opened it many times: the showings' groups are many rows to the
    # planner, which once hashed the whole user table to name their viewers
    # (promotions/querysets.py, showings_by_viewer).
    statements = list(
        Statement.objects.filter(
            review=personas.review, pair__mentee=personas.mentee, state="shared"
        )
    )
    viewers = [seat.user for seat in personas.review.seats.select_related("user")]
    assert statements
    assert viewers
    now = timezone.now()
    StatementView.objects.bulk_create(
        StatementView(statement=statement, viewer=viewer, viewed_at=now, text_sha256="0" * 64)
        for _ in range(60)
        for statement in statements
        for viewer in viewers
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE promotions_statementview")
    plans = [plan for plan in page_plans(personas) if plan.source == "consent page"]
    assert any("promotions_statementview" in plan.sql for plan in plans)
    assert report(plans) == []
