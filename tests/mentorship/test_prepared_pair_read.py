"""pair_for reads the pair through a statement compiled once per process from
Pair.objects.visible_to: the same pair for either member, nothing for anyone else, and never
the previous caller's answer."""

from __future__ import annotations

import pytest

from mentorship.access import _MEMBER_PAIR, _member_pair
from tests.factories import PairFactory, ProgramAdminFactory, UserFactory

pytestmark = pytest.mark.django_db


def prepared(viewer, pair):
    return [
        (p.pk, p.program.name, p.mentor.pk, p.mentee.pk)
        for p in _MEMBER_PAIR.instances(viewer=viewer.pk, pair=pair.pk)
    ]


def orm(viewer, pair):
    return [(p.pk, p.program.name, p.mentor.pk, p.mentee.pk) for p in _member_pair(viewer, pair.pk)]


def test_same_pair_as_visible_to_for_every_role():
    first, second = PairFactory(), PairFactory()
    others = (ProgramAdminFactory(), UserFactory())
    for pair in (first, second):
        for viewer in (first.mentor, first.mentee, second.mentor, second.mentee, *others):
            assert prepared(viewer, pair) == orm(viewer, pair)
    assert prepared(first.mentee, first) == [
        (first.pk, first.program.name, first.mentor.pk, first.mentee.pk)
    ]


def test_never_answers_for_the_previous_caller():
    first, second = PairFactory(), PairFactory()
    assert prepared(first.mentor, first)
    assert prepared(second.mentor, first) == []
    assert prepared(first.mentee, second) == []
    assert [p.pk for p in _MEMBER_PAIR.instances(viewer=second.mentee.pk, pair=second.pk)] == [
        second.pk
    ]
