"""seed_demo is idempotent and refuses to run with debug off unless forced."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import override_settings

from mentorship.models import User

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"mentorship", "agreements", "promotions", "auth"}
    }


def test_seed_demo_twice_leaves_the_same_data():
    call_command("seed_demo", "--force")
    first = snapshot()
    call_command("seed_demo", "--force")
    assert snapshot() == first
    assert first["mentorship.Pair"] >= 3


def test_seed_demo_creates_the_documented_people():
    call_command("seed_demo", "--force")
    carol = User.objects.get(username="carol")
    assert carol.check_password("demo")
    assert carol.mentee_pairs.get().mentor.username == "maria"
    assert User.objects.get(username="dan").mentor_pairs.get().mentee.username == "mary"
    hana = User.objects.get(username="hana")
    assert hana.is_staff
    assert not hana.is_superuser
    assert hana.groups.filter(name="Program admins").exists()
    assert User.objects.get(username="admin").is_superuser
    assert carol.mentee_pairs.get().program.current_guideline() is not None


@override_settings(DEBUG=False)
def test_seed_demo_refuses_without_debug():
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    assert not User.objects.filter(username="carol").exists()
