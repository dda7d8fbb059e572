"""A trigram index on region names for PostgreSQL: the agents' search finds agents by their villages'
names (`accounts.views.agent_list`), and the region search by name; `icontains` cannot use a plain
index (issue 25). SQLite (the local default) scans as before."""

from django.db import migrations

INDEX = "regions_region_name_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON regions_region USING gin (upper(name::text) gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
