"""Give the "Program admins" group what it needs to create and staff promotion reviews.

Statements are view-only for them (states and dates; the admin never shows text).
Same technique as mentorship 0002.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Program admins"
PERMISSIONS = [
    ("promotions", "promotionreview", ["add", "change", "view"]),
    ("promotions", "panelseat", ["add", "change", "delete", "view"]),
    ("promotions", "statement", ["view"]),
    ("promotions", "breachphrase", ["add", "change", "delete", "view"]),
]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for app_label, model, actions in PERMISSIONS:
        for action in actions:
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=f"{action}_{model}"
                )
            )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="promotions")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("promotions", "0001_initial"),
        ("mentorship", "0002_program_admins_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
