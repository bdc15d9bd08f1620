"""A panel member opening the review while the mentee withdraws consent: neither request fails.

PostgreSQL checks Django's foreign keys when a transaction commits. The panel page inserts its
showings, then takes the audit chain's head for their event, and its commit checks each
showing's statement, which needs a share lock on the statement row. A withdrawal locks that row
first and then waits for the same head: each waited for the other and PostgreSQL aborted one
(a 500). audit_record now has the pending checks made before it takes the head (found by
review).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

import promotions.services as services
from mentorship.audit import Action, audit_record
from promotions.models import Statement

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_showings_and_a_withdrawal_at_once_both_commit(world):
    statement = world.statement("shared")
    # Both chains' heads exist, as on any site that has audited anything.
    audit_record(actor=None, action=Action.CONSENT_WITHDRAWN, target=statement)
    statement_locked, panel_audited = threading.Event(), threading.Event()
    errors: dict[str, BaseException] = {}

    def withdrawal():
        # What consent_withdraw does: lock the statement (and its review), then audit.
        try:
            with transaction.atomic():
                Statement.objects.select_for_update(of=("self", "review")).select_related(
                    "review"
                ).get(pk=statement.pk)
                statement_locked.set()
                panel_audited.wait(2)  # the panel holds the head by now, if it can take it
                audit_record(actor=world.mentee, action=Action.CONSENT_WITHDRAWN, target=statement)
        except BaseException as error:
            errors["withdrawal"] = error
        finally:
            connection.close()

    def panel_view():
        original = services.audit_record

        def audit_then_linger(**kwargs):
            event = original(**kwargs)
            panel_audited.set()
            return event

        try:
            statement_locked.wait(5)
            services.audit_record = audit_then_linger
            services.statements_record_shown(
                review=world.review,
                viewer=world.panel_member,
                statements=[Statement.objects.get(pk=statement.pk)],
            )
        except BaseException as error:
            errors["panel view"] = error
        finally:
            services.audit_record = original
            connection.close()

    threads = [threading.Thread(target=withdrawal), threading.Thread(target=panel_view)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == {}
