"""Who may do what with programs, pairs and meetings. Views, admin and forms ask here.

Reads are scoped in querysets.py (visible_to); these predicates decide actions on an object
the user can already see.
"""

from __future__ import annotations

import rules

from mentorship.roles import PROGRAM_ADMINS_GROUP


@rules.predicate
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


@rules.predicate
def is_pair_member(user, pair) -> bool:
    return (
        pair is not None and user.is_authenticated and user.pk in (pair.mentor_id, pair.mentee_id)
    )


@rules.predicate
def is_pair_active(user, pair) -> bool:
    return pair is not None and pair.status == "active"


can_open_pair = is_pair_member
can_log_meeting = is_pair_member & is_pair_active

rules.add_perm("mentorship.open_pair", can_open_pair)
rules.add_perm("mentorship.log_meeting", can_log_meeting)
# Templates ask `perms.mentorship.view_program_dashboard` to show the link.
can_view_program_dashboard = is_program_admin
rules.add_perm("mentorship.view_program_dashboard", can_view_program_dashboard)
