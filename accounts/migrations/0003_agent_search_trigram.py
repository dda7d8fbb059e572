"""Trigram indexes for the agents' search on PostgreSQL (`icontains` is `UPPER(x) LIKE UPPER('%…%')`,
which a plain index cannot serve): an administrator's search read all 83,762 agents and their
villages, 320 ms on the national benchmark (issue 25). SQLite (the local default) scans as before."""

from django.db import migrations

INDEXES = {
    "accounts_user_username_trgm": "accounts_user USING gin (upper(username::text) gin_trgm_ops)",
    "accounts_user_first_name_trgm": "accounts_user USING gin (upper(first_name::text) gin_trgm_ops)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, target in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_username_upper_index")]

    operations = [migrations.RunPython(create, drop)]
