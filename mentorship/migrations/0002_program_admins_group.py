"""Create the "Program admins" group with exactly the permissions its members need here.

Later apps add their own permissions to the group in their own migrations.
"""

from django.db import migrations

from mentorship.roles import PROGRAM_ADMINS_GROUP, grant_in_migration

PERMISSIONS = [
    ("mentorship", "program", ["add", "change", "view"]),
    ("mentorship", "guideline", ["add", "change", "delete", "view"]),
    ("mentorship", "pair", ["add", "change", "view"]),
    ("mentorship", "meeting", ["view"]),
    ("mentorship", "auditevent", ["view"]),
    # Needed to pick mentors and mentees with the admin's autocomplete.
    ("mentorship", "user", ["view"]),
]


def grant(apps, schema_editor):
    grant_in_migration(apps, PERMISSIONS)


def revoke(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=PROGRAM_ADMINS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("mentorship", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
