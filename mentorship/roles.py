"""The "Program admins" group and exactly the model permissions its members need.

The data migrations of each app created the group and granted these, each through
`grant_in_migration` with the list of its day; the apps' declarations are the living source,
applied again after every migrate and every test-database flush (post_migrate), so the group
can never drift from them.
"""

from __future__ import annotations

from django.contrib.auth.management import create_permissions
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


# (app label, model, actions), as a data migration spells the permissions it grants.
MigrationPermissions = list[tuple[str, str, list[str]]]


def grant_in_migration(apps, permissions: MigrationPermissions) -> None:
    """Add `permissions` to the group, creating it if needed; `apps` is the historical registry."""
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=PROGRAM_ADMINS_GROUP)
    historical_permission = apps.get_model("auth", "Permission")
    for app_label, model, actions in permissions:
        for action in actions:
            group.permissions.add(
                historical_permission.objects.get(
                    content_type__app_label=app_label, codename=f"{action}_{model}"
                )
            )


def revoke_in_migration(apps, permissions: MigrationPermissions) -> None:
    """Undo `grant_in_migration`: take `permissions` away from the group, if it exists."""
    group = apps.get_model("auth", "Group").objects.filter(name=PROGRAM_ADMINS_GROUP).first()
    if group is None:
        return
    historical_permission = apps.get_model("auth", "Permission")
    for app_label, model, actions in permissions:
        group.permissions.remove(
            *historical_permission.objects.filter(
                content_type__app_label=app_label,
                codename__in=[f"{action}_{model}" for action in actions],
            )
        )
