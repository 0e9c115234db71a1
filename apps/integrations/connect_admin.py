"""Admin pages of the connection flow: links (read-only) and recorded connection-flow failures."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from apps.integrations.models import ConnectionFlowFailure, ConnectLink


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ConnectLink)
class ConnectLinkAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "kind",
        "end_user_organization_name",
        "selected_tool",
        "environment",
        "link_type",
        "expires_at",
        "completed_at",
    )
    list_filter = ("kind", "link_type", "environment", "integration_tool")
    list_select_related = ("environment", "integration")
    search_fields = ("id", "end_user_organization_name", "end_user_email", "end_user_origin_id", "integration__id")
    exclude = ("token_hash",)


@admin.register(ConnectionFlowFailure)
class ConnectionFlowFailureAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "step", "tool", "reason", "environment", "integration")
    list_filter = ("step", "tool", "environment")
    list_select_related = ("environment", "integration")
    search_fields = ("reason", "tool", "integration__id", "link__id")
