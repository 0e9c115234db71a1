"""The database cache table (CACHES["shared"]: django-q2's cluster heartbeats), created by `migrate` itself.

`createcachetable` is idempotent and not a migration of its own: running it here means a deploy needs no extra
step, and /readyz's "no unapplied migrations" covers the table too.
"""

from __future__ import annotations

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies: list[tuple[str, str]] = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
