"""An audit event's address is hashed as the database stores it: an IPv6 address written
another way than its canonical form (upper case, leading zeros) made verify_audit report the
event as altered, and a value that is no address made PostgreSQL refuse the audited act."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from mentorship.audit import Action, audit_record, audit_verify

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("remote_addr", "stored"),
    [
        ("2001:DB8::1", "2001:db8::1"),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("::ffff:10.0.0.9", "::ffff:10.0.0.9"),
        ("10.0.0.9", "10.0.0.9"),
        ("unknown", None),
        ("", None),
    ],
)
def test_the_stored_address_is_the_hashed_one(remote_addr, stored):
    request = RequestFactory().get("/", REMOTE_ADDR=remote_addr)
    event = audit_record(actor=None, action=Action.ACCESS_DENIED, request=request)
    assert type(event).objects.get(pk=event.pk).ip_address == stored
    assert audit_verify() is None
