"""Who may do what with programs, pairs and meetings. Views, admin and forms ask here.

Reads are scoped in querysets.py (visible_to); these predicates decide actions on an object
the user can already see. They are plain functions, asked directly; none is a Django permission,
whose has_perm() would answer True for every superuser.
"""

from __future__ import annotations

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
