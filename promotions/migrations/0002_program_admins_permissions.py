"""Give the "Program admins" group what it needs to create and staff promotion reviews.

Statements are view-only for them (states and dates; the admin never shows text).
"""

from django.db import migrations

from mentorship.roles import grant_in_migration, revoke_in_migration

PERMISSIONS = [
    ("promotions", "promotionreview", ["add", "change", "view"]),
    ("promotions", "panelseat", ["add", "change", "delete", "view"]),
    ("promotions", "statement", ["view"]),
    ("promotions", "breachphrase", ["add", "change", "delete", "view"]),
]


def grant(apps, schema_editor):
    grant_in_migration(apps, PERMISSIONS)


def revoke(apps, schema_editor):
    revoke_in_migration(apps, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("promotions", "0001_initial"),
        ("mentorship", "0002_program_admins_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
