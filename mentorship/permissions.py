"""Who may do what with programs, pairs and meetings. Views, admin and forms ask here.

Reads are scoped in querysets.py (visible_to); these predicates decide actions on an object
the user can already see. They are plain functions, asked directly; none is a Django permission,
whose has_perm() would answer True for every superuser.
"""

from __future__ import annotations

from mentorship.models import Program
from mentorship.roles import PROGRAM_ADMINS_GROUP


def is_program_admin(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if not user.is_staff:
        return False
    # Asked more than once per request (the view, then the navigation). The user object lives
    # for one request, so the answer is kept on it, as Django's ModelBackend keeps permissions.
    if not hasattr(user, "_program_admin_cache"):
        user._program_admin_cache = user.groups.filter(name=PROGRAM_ADMINS_GROUP).exists()
    return user._program_admin_cache


def is_pair_member(user, pair) -> bool:
    return (
        pair is not None and user.is_authenticated and user.pk in (pair.mentor_id, pair.mentee_id)
    )


def is_pair_active(user, pair) -> bool:
    return pair is not None and pair.status == "active"


def can_log_meeting(user, pair) -> bool:
    return is_pair_member(user, pair) and is_pair_active(user, pair)


# The program dashboard's page, and the links to it in the navigation (context_processors.py).
can_view_program_dashboard = is_program_admin


def programs_managed_by(user):
    """The programs whose pairs, guidelines and operational lists this user manages: every
    program for a program admin, none for anyone else. Program admins are not scoped per
    program today; every list and export of pairs asks here, so scoping them later is one
    change."""
    if not is_program_admin(user):
        return Program.objects.none()
    return Program.objects.all()


def can_change_person(user, person) -> bool:
    """Changing a person's record (the admin's change form, the people import): a superuser
    changes anyone; a program admin changes people without access to the admin site, never
    another program admin or a superuser (no locking out, or reviving, a peer)."""
    if user.is_superuser:
        return True
    return is_program_admin(user) and not (person.is_staff or person.is_superuser)


def can_publish_guideline(user, guideline) -> bool:
    """Publishing a draft version of a program's guideline: the admin site's button and its
    confirmation ask here, and so does the service."""
    return (
        guideline is not None
        and not guideline.is_published
        and programs_managed_by(user).filter(pk=guideline.program_id).exists()
    )
