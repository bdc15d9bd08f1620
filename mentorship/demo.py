"""Demo data for `manage.py seed_demo`: people, the demo program, its guideline and pairs.

This is the base each app's demo builds on; promotions.demo.seed_all puts the apps together.

Idempotent: every object is looked up by a natural key before it is created.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.utils import timezone

from mentorship.models import Guideline, Meeting, Pair, Program, User
from mentorship.permissions import PROGRAM_ADMINS_GROUP
from mentorship.services import guideline_publish

DEMO_PASSWORD = "demo"  # noqa: S105 - documented demo logins, refused with debug off

PEOPLE = {
    # username: (full name, staff, superuser, program admin)
    "admin": ("Ada Admin", True, True, False),
    "hana": ("Hana Okafor", True, False, True),
    "maria": ("Maria Lopez", False, False, False),
    "carol": ("Carol Chen", False, False, False),
    "dan": ("Dan Murphy", False, False, False),
    "mary": ("Mary Novak", False, False, False),
    "lee": ("Lee Park", False, False, False),
    "pat": ("Pat Singh", False, False, False),
    "sam": ("Sam Reyes", False, False, False),
    "omar": ("Omar Haddad", False, False, False),
    "lena": ("Lena Fischer", False, False, False),
}

GUIDELINE = {
    "title": "Confidentiality in mentoring and promotion discussions",
    "body": (
        "What a mentor and mentee discuss is **confidential by default**. Confidentiality is an "
        "assumption until the pair talks about it openly, so every pair holds that conversation "
        "early: each shares their assumptions, both review this guideline, and they agree the "
        "terms in writing.\n\n"
        "Promotion discussions are expected in this program. Agree up front what the mentor may "
        "say if leadership asks, so confidentiality does not collapse under pressure."
    ),
    "clarification": (
        "A mentor who takes part in a promotion conversation does so as an **advocate**: they "
        "may share positive aspects of the mentee's leadership growth and readiness that they "
        "saw as mentor, and facts about the mentoring relationship."
    ),
    "qualification": (
        "A mentor's input is **not a performance review**; that is the supervisor's role. A "
        "mentor who is disappointed limits their input to the person's role as mentee, never "
        "as employee. The content of mentoring conversations stays confidential."
    ),
    "expectations": (
        "Mentors speak only by mutual agreement and only with what the mentee consented to "
        "share. Mentees can withdraw consent while the review is open. Leadership reads only "
        "consented input and does not ask mentors for more."
    ),
    # Placeholders, not the demo's people: the guideline is what every pair reads, and an
    # example naming a real mentee reads as a verdict on her.
    "acceptable_examples": (
        "I've seen a lot of growth in my mentee over the past year.\n"
        "My mentee and I weren't able to meet as frequently as we had hoped. We didn't complete "
        "the project we had begun work on during our mentoring relationship, so I am not able "
        "to offer a reliable picture of how my mentee might lead the new project team."
    ),
    "breach_examples": (
        "My mentee was completely disorganized and unprofessional about how they approached "
        "their project and I don't see that they have the skill sets you are looking for."
    ),
}


@dataclass
class DemoBase:
    users: dict[str, User]
    program: Program
    guideline: Guideline
    pairs: dict[str, Pair]


def seed_people() -> dict[str, User]:
    admins = Group.objects.get(name=PROGRAM_ADMINS_GROUP)
    users = {}
    for username, (full_name, staff, superuser, program_admin) in PEOPLE.items():
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "email": f"{username}@example.com",
                "is_staff": staff,
                "is_superuser": superuser,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if program_admin:
            user.groups.add(admins)
        users[username] = user
    return users


def seed_program(users: dict[str, User]) -> tuple[Program, Guideline]:
    today = timezone.localdate()
    program, _ = Program.objects.get_or_create(
        name="Leadership Mentoring 2026",
        defaults={
            "description": "High-potential mentoring program: one year, fortnightly meetings.",
            "starts_on": today - datetime.timedelta(days=300),
            "ends_on": today + datetime.timedelta(days=65),
        },
    )
    guideline = program.current_guideline()
    if guideline is None:
        draft = Guideline.objects.create(program=program, **GUIDELINE)
        guideline = guideline_publish(guideline_id=draft.pk, by=users["hana"])
    return program, guideline


def seed_pairs(users: dict[str, User], program: Program) -> dict[str, Pair]:
    today = timezone.localdate()
    couples = {
        "maria-carol": ("maria", "carol", 200),
        "dan-mary": ("dan", "mary", 150),
        "omar-lena": ("omar", "lena", 20),
    }
    pairs = {}
    for key, (mentor, mentee, days_ago) in couples.items():
        pair, created = Pair.objects.get_or_create(
            program=program,
            mentor=users[mentor],
            mentee=users[mentee],
            defaults={
                "status": Pair.Status.ACTIVE,
                "cadence_days": Pair.Cadence.FORTNIGHTLY,
                "started_on": today - datetime.timedelta(days=days_ago),
            },
        )
        if created:
            _seed_meetings(pair, days_ago)
        pairs[key] = pair
    return pairs


def _seed_meetings(pair: Pair, days_ago: int) -> None:
    today = timezone.localdate()
    for n, offset in enumerate(range(days_ago - 3, 0, -pair.cadence_days * 2)):
        missed = n % 4 == 1
        Meeting.objects.create(
            pair=pair,
            held_on=today - datetime.timedelta(days=offset),
            duration_minutes=0 if missed else 45,
            status=Meeting.Status.MISSED if missed else Meeting.Status.HELD,
            notes="" if missed else f"Talked about goals and next steps ({n + 1}).",
            recorded_by=pair.mentor,
        )


def seed() -> DemoBase:
    users = seed_people()
    program, guideline = seed_program(users)
    pairs = seed_pairs(users, program)
    return DemoBase(users=users, program=program, guideline=guideline, pairs=pairs)
