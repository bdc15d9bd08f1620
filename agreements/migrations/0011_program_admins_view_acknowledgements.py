"""Program admins see guideline acknowledgements on an agreement's admin page, as they see its
signatures (AcknowledgementInline in agreements/admin.py); the group gains the view permission.
"""

from django.db import migrations

from mentorship.roles import grant_in_migration, revoke_in_migration

PERMISSIONS = [("agreements", "guidelineacknowledgement", ["view"])]


def grant(apps, schema_editor):
    grant_in_migration(apps, PERMISSIONS)


def revoke(apps, schema_editor):
    revoke_in_migration(apps, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0010_signature_reauth_method"),
        ("mentorship", "0018_program_admins_manage_people"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
