"""On PostgreSQL the database itself refuses to rewrite history, whatever the application does:
bulk ORM updates and deletes and raw SQL against committed rows of signed agreements, signatures,
audit events, access records (StatementView) and published guidelines all fail, TRUNCATE of the
append-only tables fails too (only `manage.py flush` may empty them), and the audit chain still
verifies afterwards. (The model-level refusals are in test_immutability.py and in
tests/agreements/test_immutability.py; this adds the tables and paths those do not cover.)
"""

from __future__ import annotations

import pgtrigger
import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement, GuidelineAcknowledgement, Signature
from mentorship.audit import audit_verify
from mentorship.management.commands.flush import truncate_trigger_uris
from mentorship.models import AuditEvent, ConfidentialAuditEvent, Guideline
from promotions.models import ConsentOptOut, ConsentRequest, StatementView
from tests.security.conftest import STATS, build_world
from tests.security.web import browser

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

APPEND_ONLY_TABLES = [
    "mentorship_auditevent",
    "mentorship_confidentialauditevent",
    "agreements_signature",
    "promotions_statementview",
    "agreements_agreement",  # holds signed agreements
    "promotions_consentrequest",
    "promotions_consentoptout",
    "agreements_guidelineacknowledgement",
]


def build_committed_world():
    """The world plus a row in every append-only table: a panel showing, an opt-out and a
    guideline acknowledgement."""
    world = build_world()
    review = world.reviews["open"]
    browser(world.users["lee"]).get(reverse("promotions:review", args=[review.pk]))
    assert StatementView.objects.exists()
    declined = world.statements["declined"]
    ConsentOptOut.objects.create(review=review, mentee=world.users["carol"], statement=declined)
    active = world.agreements["active"]
    GuidelineAcknowledgement.objects.create(
        agreement=active,
        guideline=world.guideline,
        member=world.users["maria"],
        role=Signature.Role.MENTOR,
        acknowledged_at=timezone.now(),
        text_sha256=active.text_sha256,
    )
    return world


@pytest.fixture
def committed():
    """The world, committed (no test transaction around it), a row in every append-only table."""
    return build_committed_world()


def fingerprint() -> dict:
    return {
        "audit": list(AuditEvent.objects.order_by("pk").values_list("pk", "hash")),
        "confidential audit": list(
            ConfidentialAuditEvent.objects.order_by("pk").values_list("pk", "hash")
        ),
        "views": list(StatementView.objects.order_by("pk").values_list("pk", "text_sha256")),
        "agreements": list(
            Agreement.objects.order_by("pk").values_list("pk", "status", "text_sha256")
        ),
        "guidelines": list(Guideline.objects.order_by("pk").values_list("pk", "body", "status")),
    }


def attempts(world) -> list[tuple[str, object]]:
    active = world.agreements["active"]
    event = AuditEvent.objects.order_by("pk").first()
    secret = ConfidentialAuditEvent.objects.order_by("pk").first()
    shown = StatementView.objects.first()
    sql = [
        ("UPDATE mentorship_auditevent SET action = 'forged' WHERE id = %s", [event.pk]),
        ("DELETE FROM mentorship_auditevent WHERE id = %s", [event.pk]),
        (
            "UPDATE mentorship_confidentialauditevent SET action = 'forged' WHERE id = %s",
            [secret.pk],
        ),
        ("DELETE FROM mentorship_confidentialauditevent WHERE id = %s", [secret.pk]),
        (
            "UPDATE promotions_statementview SET viewer_id = %s WHERE id = %s",
            [world.users["otto"].pk, shown.pk],
        ),
        ("DELETE FROM promotions_statementview WHERE id = %s", [shown.pk]),
        ("UPDATE mentorship_guideline SET body = 'forged' WHERE id = %s", [world.guideline.pk]),
        ("DELETE FROM mentorship_guideline WHERE id = %s", [world.guideline.pk]),
        (
            "UPDATE agreements_agreement SET status = 'awaiting_signatures' WHERE id = %s",
            [active.pk],
        ),
        (
            "UPDATE agreements_agreement SET end_reason = 'forged' WHERE id = %s",
            [world.agreements["ended"].pk],
        ),
    ]
    # The guarded models refuse bulk writes themselves; a plain QuerySet of the model goes
    # past that refusal, so these show the database's own.
    orm = [
        ("bulk update audit", lambda: QuerySet(AuditEvent).update(action="forged")),
        ("bulk delete audit", lambda: QuerySet(AuditEvent).all().delete()),
        (
            "bulk update confidential audit",
            lambda: QuerySet(ConfidentialAuditEvent).update(action="forged"),
        ),
        (
            "bulk delete confidential audit",
            lambda: QuerySet(ConfidentialAuditEvent).all().delete(),
        ),
        ("bulk update shown", lambda: QuerySet(StatementView).update(text_sha256="0" * 64)),
        ("bulk delete shown", lambda: QuerySet(StatementView).all().delete()),
        ("bulk update guideline", lambda: QuerySet(Guideline).update(body="forged")),
        (
            "bulk update agreement",
            lambda: QuerySet(Agreement).filter(pk=active.pk).update(exceptions="forged"),
        ),
    ]
    raw = [(f"raw: {s[:40]}", _raw(s, p)) for s, p in sql]
    return raw + orm


def _raw(sql, params):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    return run


def test_bulk_orm_and_raw_sql_cannot_rewrite_history(committed):
    before = fingerprint()
    for label, attempt in attempts(committed):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
        STATS["immutability attempts"] += 1
        assert fingerprint() == before, label
    assert audit_verify() is None


def row_counts() -> dict[str, int]:
    models = (
        AuditEvent,
        ConfidentialAuditEvent,
        Signature,
        StatementView,
        Agreement,
        ConsentRequest,
        ConsentOptOut,
        GuidelineAcknowledgement,
    )
    counts = {model._meta.db_table: model._base_manager.count() for model in models}
    assert set(counts) == set(APPEND_ONLY_TABLES)
    return counts


def truncates() -> list[str]:
    """Each table on its own, with and without CASCADE, and reached by another table's CASCADE
    (every pair's agreements and signatures; every user's audit events and showings)."""
    return [
        *(f"TRUNCATE {table}" for table in APPEND_ONLY_TABLES),
        *(f"TRUNCATE {table} CASCADE" for table in APPEND_ONLY_TABLES),
        "TRUNCATE mentorship_pair CASCADE",
        "TRUNCATE mentorship_user CASCADE",
    ]


def truncate_guarded_tables() -> set[str]:
    """Tables with an enabled BEFORE TRUNCATE trigger (pg_trigger.tgtype: 2 BEFORE, 32 TRUNCATE)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE t.tgtype & 34 = 34 AND t.tgenabled <> 'D' AND NOT t.tgisinternal"
        )
        return {table for (table,) in cursor.fetchall()}


REFUSED_BY = (
    "pgtrigger: Cannot truncate",  # RefuseTruncate
    "cannot truncate a table referenced in a foreign key constraint",
)


def test_truncate_cannot_wipe_an_append_only_table(committed):
    """Row triggers do not fire on TRUNCATE; each table's statement-level BEFORE TRUNCATE trigger
    (mentorship.models.RefuseTruncate) does, also when another table's CASCADE reaches it."""
    # Each table has its own trigger (a CASCADE from agreements would also stop at signatures).
    assert truncate_guarded_tables() == set(APPEND_ONLY_TABLES)
    before, rows = fingerprint(), row_counts()
    assert all(rows.values()), rows
    wiped, not_by_trigger = [], []
    for sql in truncates():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
                wiped.append(sql)
                raise _Undo
        except _Undo:
            pass
        except DatabaseError as refused:
            # PostgreSQL refuses a bare TRUNCATE of a table others reference (agreements) on
            # the foreign key before any trigger; CASCADE gets past that, so there only a
            # trigger can refuse.
            if not str(refused).startswith(REFUSED_BY):
                not_by_trigger.append((sql, str(refused)))
        STATS["immutability attempts"] += 1
    assert not wiped, f"TRUNCATE went through: {wiped}"
    assert not not_by_trigger
    assert row_counts() == rows
    assert fingerprint() == before
    assert audit_verify() is None


def test_flush_still_empties_the_append_only_tables(committed):
    """`manage.py flush` (also run by transactional tests between tests) ignores the TRUNCATE
    triggers for its own TRUNCATE only: afterwards they refuse again."""
    assert all(row_counts().values())
    call_command("flush", interactive=False, verbosity=0)
    assert row_counts() == dict.fromkeys(APPEND_ONLY_TABLES, 0)
    assert not any(pgtrigger.is_ignored(uri) for uri in truncate_trigger_uris())
    for table in APPEND_ONLY_TABLES:
        with (
            pytest.raises(DatabaseError, match="Cannot truncate"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"TRUNCATE {table} CASCADE")


class _Undo(Exception):
    """Raised to roll back a TRUNCATE that succeeded."""
