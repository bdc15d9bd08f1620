"""Rules that the database itself enforces: an IntegrityError, not a form error."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from mentorship.models import Guideline, Pair
from tests.factories import (
    GuidelineFactory,
    MeetingFactory,
    PairFactory,
    ProgramFactory,
    PublishedGuidelineFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_mentor_and_mentee_must_differ():
    person = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PairFactory(mentor=person, mentee=person)


def test_one_active_pair_per_mentee_per_program():
    first = PairFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PairFactory(program=first.program, mentee=first.mentee)


def test_mentee_may_have_a_new_pair_once_the_old_one_ended():
    first = PairFactory(status=Pair.Status.ENDED)
    second = PairFactory(program=first.program, mentee=first.mentee)
    assert second.status == Pair.Status.ACTIVE


def test_one_active_pair_per_couple_across_programs():
    first = PairFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PairFactory(mentor=first.mentor, mentee=first.mentee, program=ProgramFactory())


def test_a_mentor_may_mentor_several_people():
    first = PairFactory()
    PairFactory(program=first.program, mentor=first.mentor)
    assert Pair.objects.filter(mentor=first.mentor).count() == 2


def test_program_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgramFactory(starts_on=datetime.date(2026, 5, 1), ends_on=datetime.date(2026, 4, 1))


def test_meeting_duration_within_a_day():
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(duration_minutes=24 * 60 + 1)


def test_guideline_version_unique_per_program():
    first = PublishedGuidelineFactory(version=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        PublishedGuidelineFactory(program=first.program, version=1)


def test_published_guideline_needs_a_version():
    with pytest.raises(IntegrityError), transaction.atomic():
        GuidelineFactory(status=Guideline.Status.PUBLISHED)


def test_draft_guideline_has_no_version():
    with pytest.raises(IntegrityError), transaction.atomic():
        GuidelineFactory(version=3)
