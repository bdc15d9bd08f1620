"""Let the "Program admins" group edit questionnaires and see agreement states.

Exactly: questions add/change/delete/view; agreements and signatures view only. Answers and
questionnaire submissions are not in the admin at all.
"""

from django.db import migrations

from mentorship.roles import grant_in_migration, revoke_in_migration

PERMISSIONS = [
    ("agreements", "question", ["add", "change", "delete", "view"]),
    ("agreements", "agreement", ["view"]),
    ("agreements", "signature", ["view"]),
]


def grant(apps, schema_editor):
    grant_in_migration(apps, PERMISSIONS)


def revoke(apps, schema_editor):
    revoke_in_migration(apps, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0003_default_questionnaire"),
        ("mentorship", "0002_program_admins_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
