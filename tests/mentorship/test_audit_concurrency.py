"""Parallel audit writers on PostgreSQL queue on the chain head: the chain never forks."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from mentorship.audit import audit_record, audit_verify
from mentorship.models import AuditEvent

WRITERS = 8
EVENTS_EACH = 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_audit_writes_make_one_unbroken_chain():
    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(EVENTS_EACH):
                audit_record(actor=None, action="test.parallel", payload={"writer": n, "i": i})
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert AuditEvent.objects.count() == WRITERS * EVENTS_EACH
    prev_hashes = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(set(prev_hashes)) == len(prev_hashes)  # no two events share a predecessor
    assert audit_verify() is None
