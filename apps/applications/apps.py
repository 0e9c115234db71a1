from __future__ import annotations

from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "apps.applications"
    label = "applications"
    verbose_name = "Applications"

    def ready(self) -> None:
        # Sync (apps.integrations, below us) writes records and purges idempotency keys through these seams.
        from apps.applications import services
        from apps.applications.writes.idempotency import idempotency_keys_purge
        from apps.integrations.housekeeping import housekeeping_register
        from apps.integrations.records import record_store_register

        record_store_register(services)
        housekeeping_register("idempotency_keys", idempotency_keys_purge)
