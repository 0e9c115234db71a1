"""The request log in the admin: every outbound ATS call, filtered by integration, status class, path, run."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from apps.integrations.models import OutboundRequest, SyncRun


class StatusClassFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status_class"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("2xx", "2xx"), ("3xx", "3xx"), ("4xx", "4xx"), ("5xx", "5xx"), ("failed", "Failed (not 2xx)"),
                ("none", "No answer")]  # fmt: skip

    def queryset(self, request: HttpRequest, queryset: QuerySet[OutboundRequest]) -> QuerySet[OutboundRequest]:
        value = self.value()
        if value == "none":
            return queryset.filter(status__isnull=True)
        if value == "failed":
            return queryset.exclude(status__gte=200, status__lt=300)
        if value in ("2xx", "3xx", "4xx", "5xx"):
            low = int(value[0]) * 100
            return queryset.filter(status__gte=low, status__lt=low + 100)
        return queryset


@admin.register(OutboundRequest)
class OutboundRequestAdmin(admin.ModelAdmin):
    list_display = ("at_seconds", "integration", "method", "path", "status", "duration_ms", "attempt", "wait_ms")
    list_filter = (StatusClassFilter, "method", "integration")
    list_select_related = ("integration",)
    search_fields = ("path",)
    show_full_result_count = False
    readonly_fields = [field.name for field in OutboundRequest._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        if lookup in ("sync_run", "sync_run__id__exact", "request_id", "integration__id__exact"):
            return True
        return super().lookup_allowed(lookup, value, request)  # type: ignore[call-arg]

    @admin.display(description="At", ordering="at")
    def at_seconds(self, obj: OutboundRequest) -> str:
        return obj.at.strftime("%Y-%m-%d %H:%M:%S")

    @admin.display(description="Wait ms", ordering="rate_limit_wait_ms")
    def wait_ms(self, obj: OutboundRequest) -> int:
        return obj.rate_limit_wait_ms


def calls_link_for_run(run: SyncRun) -> str:
    """A link from a sync run to exactly its outbound calls."""
    url = reverse("admin:integrations_outboundrequest_changelist") + f"?sync_run={run.pk}"
    return format_html('<a href="{}">Outbound calls</a>', url)
