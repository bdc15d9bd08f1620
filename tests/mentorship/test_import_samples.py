"""The sample files the README points to import cleanly on the demo's people and program."""

from __future__ import annotations

from pathlib import Path

import pytest
import tablib

from mentorship.imports import PairResource, PersonResource, import_report
from tests.factories import ProgramAdminFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"


def load(name: str) -> tablib.Dataset:
    return tablib.Dataset().load((SAMPLES / name).read_text(encoding="utf-8"), format="csv")


def test_the_samples_import_people_first_then_pairs():
    hana = ProgramAdminFactory(username="hana")
    ProgramFactory(name="Leadership Mentoring 2026")
    for name in ("sam", "dan", "omar"):
        UserFactory(username=name, email=f"{name}@example.com")
    for name, resource_class, rows in (
        ("people.csv", PersonResource, 4),
        ("pairs.csv", PairResource, 3),
    ):
        result = resource_class().import_data(load(name), user=hana)
        report = import_report(result, resource_class)
        assert report.accepted, report
        assert report.counts["create"] == rows
