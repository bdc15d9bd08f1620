"""The table of the program dashboard's shared figures cache (settings.CACHES "program_dashboard",
a DatabaseCache; see promotions/program_dashboard.py).

Created by name rather than from the settings, so every database that is migrated has it,
whichever settings ran the migration; createcachetable leaves an existing table alone.
"""

from django.core.management import call_command
from django.db import migrations

TABLE = "mentorship_program_dashboard_cache"


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("mentorship", "0003_user_time_zone")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
