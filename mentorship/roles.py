"""The "Program admins" group and exactly the model permissions its members need.

The data migrations of each app created the group and granted these; the apps' declarations
are the living source, applied again after every migrate and every test-database flush
(post_migrate), so the group can never drift from them.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from mentorship import declarations

PROGRAM_ADMINS_GROUP = "Program admins"

# {app label: {model: actions}}, each app declaring its own (mentorship/declarations.py).
PROGRAM_ADMIN_PERMISSIONS: dict[str, dict[str, list[str]]] = (
    declarations.program_admin_permissions()
)


def sync_program_admins_group(**kwargs) -> None:
    """post_migrate runs once per app; act once every wanted permission exists."""
    wanted = Q()
    count = 0
    for app_label, models in PROGRAM_ADMIN_PERMISSIONS.items():
        for model, actions in models.items():
            for action in actions:
                wanted |= Q(content_type__app_label=app_label, codename=f"{action}_{model}")
                count += 1
    permissions = list(Permission.objects.filter(wanted))
    if len(permissions) < count:
        return
    group, _ = Group.objects.get_or_create(name=PROGRAM_ADMINS_GROUP)
    group.permissions.set(permissions)
