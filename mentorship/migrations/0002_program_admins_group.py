"""Create the "Program admins" group with exactly the permissions its members need here.

Later apps add their own permissions to the group in their own migrations.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Program admins"
PERMISSIONS = [
    ("mentorship", "program", ["add", "change", "view"]),
    ("mentorship", "guideline", ["add", "change", "delete", "view"]),
    ("mentorship", "pair", ["add", "change", "view"]),
    ("mentorship", "meeting", ["view"]),
    ("mentorship", "auditevent", ["view"]),
    # Needed to pick mentors and mentees with the admin's autocomplete.
    ("mentorship", "user", ["view"]),
]


def grant(apps, schema_editor, permissions=PERMISSIONS):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for app_label, model, actions in permissions:
        for action in actions:
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=f"{action}_{model}"
                )
            )


def revoke(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("mentorship", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
