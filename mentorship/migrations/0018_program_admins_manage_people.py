"""Program admins onboard people: they add and change users, never with superuser rights.

The admin decides which fields they may touch (UserAdmin in mentorship/admin.py); the group
only gains the model permissions.
"""

from django.db import migrations

from mentorship.roles import grant_in_migration, revoke_in_migration

PERMISSIONS = [("mentorship", "user", ["add", "change"])]


def grant(apps, schema_editor):
    grant_in_migration(apps, PERMISSIONS)


def revoke(apps, schema_editor):
    revoke_in_migration(apps, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("mentorship", "0017_user_department_manager_supervisor")]

    operations = [migrations.RunPython(grant, revoke)]
