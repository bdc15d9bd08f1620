"""seed_scale: a consistent data set in every state, refused where it must be."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from agreements.models import Agreement, Signature
from agreements.verification import verify_agreements
from mentorship.audit import audit_verify
from mentorship.models import AuditEvent, Pair, User
from promotions import scale
from promotions.models import PromotionReview, Statement, StatementView

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_scale", *args, stdout=out)
    return out.getvalue()


def test_refuses_with_debug_off_unless_forced():
    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        seed("--users", "100")
    assert not User.objects.exists()


def test_counts_follow_the_number_of_users():
    plan = scale.Plan(50_000)
    assert (plan.pairs, plan.reviews, plan.statements) == (20_000, 2000, 100_000)
    small = scale.Plan(5000)
    assert (small.pairs, small.reviews, small.statements) == (2000, 200, 10_000)


def test_a_consistent_data_set_in_every_state(settings):
    output = seed("--users", "200", "--force")
    assert "Batch 1 loaded" in output
    assert User.objects.filter(username__startswith="scale1-").count() == 201
    assert Pair.objects.count() == scale.Plan(200).pairs
    assert PromotionReview.objects.count() == scale.Plan(200).reviews
    assert set(Statement.objects.values_list("state", flat=True)) == set(Statement.State.values)
    assert set(Agreement.objects.values_list("status", flat=True)) >= {
        "active",
        "awaiting_signatures",
        "superseded",
        "ended",
    }
    assert Signature.objects.exists()
    assert StatementView.objects.exists()
    # Hashes are the real ones: the agreements verify, the audit chain is intact.
    checked, problems = verify_agreements()
    assert checked
    assert not problems
    assert AuditEvent.objects.count() > 0
    assert audit_verify() is None
    # Shared statements reach their panel: consent covers the exact text.
    shared = Statement.objects.filter(state="shared")
    assert shared.count() == shared.consent_current().count() > 0
    # Everyone can log in with the documented password (under the site's real hashers).
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user = User.objects.get(username="scale1-000007")
    assert authenticate(username=user.username, password=scale.PASSWORD) == user


def test_refuses_a_second_run_and_appends_on_request():
    seed("--users", "40", "--force")
    with pytest.raises(CommandError, match="already holds seed_scale data"):
        seed("--users", "40", "--force")
    output = seed("--users", "40", "--force", "--append")
    assert "Batch 2 loaded" in output
    assert User.objects.filter(username__startswith="scale2-").count() == 41
    assert audit_verify() is None


def test_every_review_has_statements_in_every_state():
    seed("--users", "500", "--force")
    for review in PromotionReview.objects.all():
        states = set(review.statements.values_list("state", flat=True))
        assert states == set(Statement.State.values), review.pk
