"""The promotions demo: Carol's review holds every state, Mary's shares nothing; idempotent."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils.html import escape

from mentorship import demo as base_demo
from promotions import demo
from promotions.models import PromotionReview, Statement
from promotions.views import NOTHING_SHARED
from tests.factories import ActiveAgreementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def base():
    base = base_demo.seed()
    # The agreements demo gives Maria and Carol terms allowing both kinds before ours runs.
    ActiveAgreementFactory(pair=base.pairs["maria-carol"])
    return base


def counts() -> dict[str, int]:
    models = apps.get_app_config("promotions").get_models()
    return {m._meta.label: m.objects.count() for m in models}


def test_seeding_twice_changes_nothing(base):
    demo.seed(base)
    first = counts()
    demo.seed(base)
    assert counts() == first
    assert first["promotions.PromotionReview"] == 2


def test_carols_review_holds_a_statement_in_every_state(base):
    demo.seed(base)
    review = PromotionReview.objects.get(candidate=base.users["carol"])
    assert review.supervisor == base.users["sam"]
    assert review.supervisor_assessment
    assert {u.username for u in review.panel.all()} == {"lee", "pat"}
    statements = list(review.statements.all())
    states = sorted(s.state for s in statements)
    assert states == sorted(
        ["draft", "awaiting_consent", "shared", "shared", "declined", "withdrawn"]
    )
    shared = {s.kind for s in statements if s.state == Statement.State.SHARED}
    assert shared == {"advocacy", "engagement"}
    assert len({s.text for s in statements}) == len(statements)
    assert all(s.consent_is_current for s in statements if s.state == "shared")
    assert review.statements.get(state="declined").decline_reason


def test_the_demo_pages_tell_the_story(base, client):
    demo.seed(base)
    carol_review = PromotionReview.objects.get(candidate=base.users["carol"])
    mary_review = PromotionReview.objects.get(candidate=base.users["mary"])
    client.force_login(base.users["lee"])

    carol_page = client.get(reverse("promotions:review", args=[carol_review.pk])).content
    mary_page = client.get(reverse("promotions:review", args=[mary_review.pk])).content

    for statement in carol_review.statements.all():
        assert (escape(statement.text).encode() in carol_page) is (statement.state == "shared")
    assert NOTHING_SHARED.encode() in mary_page
    assert not mary_review.statements.exists()
    client.force_login(base.users["dan"])
    dan_page = client.get(reverse("promotions:input", args=[mary_review.pk])).content.decode()
    assert "no active signed agreement" in dan_page
