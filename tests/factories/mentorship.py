"""Factories for people, programs, guidelines, pairs and meetings."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from mentorship.models import Guideline, Meeting, Pair, Program, User

__all__ = [
    "GuidelineFactory",
    "MeetingFactory",
    "PairFactory",
    "ProgramAdminFactory",
    "ProgramFactory",
    "PublishedGuidelineFactory",
    "UserFactory",
]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class ProgramAdminFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def groups(obj, create, extracted, **kwargs):
        if create:
            from django.contrib.auth.models import Group

            from mentorship.permissions import PROGRAM_ADMINS_GROUP

            obj.groups.add(Group.objects.get(name=PROGRAM_ADMINS_GROUP))


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Program {n}")
    description = "A mentoring program."


class GuidelineFactory(factory.django.DjangoModelFactory):
    """A draft guideline."""

    class Meta:
        model = Guideline

    program = factory.SubFactory(ProgramFactory)
    title = "Confidentiality guideline"
    body = "Conversations are **confidential**."
    clarification = "Mentors may advocate."
    qualification = "Not a performance review."
    expectations = "Only consented input is shared."
    acceptable_examples = "I've seen a lot of growth in Mary over the past year."
    breach_examples = "Carol was completely disorganized and unprofessional."


class PublishedGuidelineFactory(GuidelineFactory):
    status = Guideline.Status.PUBLISHED
    version = factory.Sequence(lambda n: n + 1)
    published_at = factory.LazyFunction(timezone.now)


class PairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pair

    program = factory.SubFactory(ProgramFactory)
    mentor = factory.SubFactory(UserFactory)
    mentee = factory.SubFactory(UserFactory)
    status = Pair.Status.ACTIVE
    cadence_days = Pair.Cadence.FORTNIGHTLY
    started_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=60))


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    pair = factory.SubFactory(PairFactory)
    held_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))
    duration_minutes = 45
    status = Meeting.Status.HELD
    notes = ""
    recorded_by = factory.LazyAttribute(lambda m: m.pair.mentor)
