from __future__ import annotations

from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "apps.integrations"
    label = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        from apps.integrations import schema  # noqa: F401  (registers the OpenAPI auth extension)
        from apps.integrations.webhook_services import connect_signals

        connect_signals()
        from apps.integrations.request_log import register

        register()  # the request log: every outbound ATS call (apps.connectors.http) becomes a row
