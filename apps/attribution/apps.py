from __future__ import annotations

from django.apps import AppConfig


class AttributionConfig(AppConfig):
    name = "apps.attribution"
    label = "attribution"
    verbose_name = "Attribution"

    def ready(self) -> None:
        # The connection flow (apps.integrations, below us) asks whether the source step is done through this seam.
        from apps.attribution.selectors import source_mapping_configured
        from apps.attribution.services import source_mapping_check
        from apps.integrations.source_step import source_recheck_register, source_step_register

        source_step_register(source_mapping_configured)
        from apps.attribution.admin import coverage_figures
        from apps.integrations.admin_dashboard import dashboard_panel_register

        dashboard_panel_register("attribution", coverage_figures)
        source_recheck_register(source_mapping_check)
