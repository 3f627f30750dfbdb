"""The database cache's table, so that `masar migrate` alone sets up everything the default
settings need (throttles, idempotency keys and the like use the cache). Redis deployments
keep the empty table; it costs nothing."""

from django.conf import settings
from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations


def cache_table_create(apps, schema_editor):
    # Idempotent: a table made earlier by `masar createcachetable` is kept as it is.
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(
        schema_editor.connection.alias, settings.MASAR_DB_CACHE_TABLE, dry_run=False
    )


def cache_table_drop(apps, schema_editor):
    table = schema_editor.quote_name(settings.MASAR_DB_CACHE_TABLE)
    schema_editor.execute(f"DROP TABLE IF EXISTS {table}")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_scheduledjobrun")]

    operations = [migrations.RunPython(cache_table_create, cache_table_drop, elidable=False)]
