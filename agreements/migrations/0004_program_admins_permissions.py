"""Let the "Program admins" group edit questionnaires and see agreement states.

Exactly: questions add/change/delete/view; agreements and signatures view only. Answers and
questionnaire submissions are not in the admin at all.
"""

from django.db import migrations

GROUP = "Program admins"
PERMISSIONS = [
    ("agreements", "question", ["add", "change", "delete", "view"]),
    ("agreements", "agreement", ["view"]),
    ("agreements", "signature", ["view"]),
]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

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
    if group is None:
        return
    for app_label, model, actions in PERMISSIONS:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label=app_label,
                codename__in=[f"{action}_{model}" for action in actions],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0003_default_questionnaire"),
        ("mentorship", "0002_program_admins_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
