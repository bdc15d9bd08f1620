"""Two gunicorn instances on one PostgreSQL database behave as one site: nothing that matters
lives in a process. A session made on one is valid on the other, and a consent given through
instance A reaches the panel page served by instance B at once; a withdrawal through A hides
the statement on B at once.
"""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.urls import reverse

from bench.instances import Browser, instances
from promotions.models import Statement
from tests.factories import (
    ActiveAgreementFactory,
    AwaitingConsentStatementFactory,
    PairFactory,
    PanelSeatFactory,
    PromotionReviewFactory,
    UserFactory,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PASSWORD = "two-instances"
TEXT = "Carol grew into a calm, clear leader of our project reviews."


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def person(username: str, full_name: str):
    user = UserFactory(username=username, full_name=full_name)
    # The instances run the production hashers (the tests' MD5 is not among them).
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "scaleout", iterations=1000)
    user.save(update_fields=["password"])
    return user


def test_consent_through_one_instance_is_honoured_by_the_other_at_once():
    mentee = person("carol", "Carol Chen")
    lee = person("lee", "Lee Park")
    pair = PairFactory(mentee=mentee)
    ActiveAgreementFactory(pair=pair)
    review = PromotionReviewFactory(program=pair.program, candidate=mentee)
    PanelSeatFactory(review=review, user=lee)
    statement = AwaitingConsentStatementFactory(pair=pair, review=review, text=TEXT)
    panel_page = reverse("promotions:review", args=[review.pk])
    consent_page = reverse("promotions:consent", args=[review.pk])

    with instances(2, database_url=database_url()) as (a, b):
        carol, leader = Browser(), Browser()
        carol.login(a.url, "carol", PASSWORD)
        leader.login(b.url, "lee", PASSWORD)
        # Sessions live in the database: carol's session from A is valid on B too.
        assert "Mentor input for your review" in carol.get(b.url + consent_page)
        assert TEXT not in leader.get(b.url + panel_page)

        page = carol.get(a.url + consent_page)
        sha = re.search(r'name="text_sha256" value="([0-9a-f]{64})"', page).group(1)
        carol.post(
            a.url + reverse("promotions:statement_consent", args=[statement.pk]),
            {"text_sha256": sha},
            form_page=a.url + consent_page,
        )
        assert TEXT in html.unescape(leader.get(b.url + panel_page))

        carol.post(
            a.url + reverse("promotions:statement_withdraw", args=[statement.pk]),
            {},
            form_page=a.url + consent_page,
        )
        assert TEXT not in html.unescape(leader.get(b.url + panel_page))
        # ...and the showing on B is on record for carol, read through A.
        assert "Lee Park, " in carol.get(a.url + consent_page)

    statement.refresh_from_db()
    assert statement.state == Statement.State.WITHDRAWN
