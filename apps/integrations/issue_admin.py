"""Admin: every issue, of integrations and of environments (a disabled webhook endpoint), in one list.

The integration page shows its own issues inline; issues of an environment have no integration page, so this list
(filter "Of" = environment) is where staff see them, with a link to the endpoint to re-enable.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from apps.integrations.connect_admin import ReadOnlyAdmin
from apps.integrations.issue_models import IntegrationIssue, IssueType


class ScopeFilter(admin.SimpleListFilter):
    title = "of"
    parameter_name = "of"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("environment", "an environment"), ("integration", "an integration")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[IntegrationIssue]) -> QuerySet[IntegrationIssue]:
        if self.value() == "environment":
            return queryset.filter(integration__isnull=True)
        if self.value() == "integration":
            return queryset.filter(integration__isnull=False)
        return queryset


@admin.register(IntegrationIssue)
class IntegrationIssueAdmin(ReadOnlyAdmin):
    list_display = ("title", "type", "status", "of", "about", "environment", "first_observed_at", "resolved_at")
    list_filter = ("status", ScopeFilter, "type", "environment")
    list_select_related = ("environment", "integration")
    search_fields = ("id", "title", "subject", "integration__id", "integration__end_user_organization_name")
    fields = (
        "id", "type", "status", "title", "markdown_message", "environment", "of", "about",
        "first_observed_at", "last_observed_at", "resolved_at",
    )  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[IntegrationIssue]:
        # rows prepared but never raised (first_observed_at null) are not issues yet
        return super().get_queryset(request).filter(first_observed_at__isnull=False)

    @admin.display(description="Of")
    def of(self, obj: IntegrationIssue) -> str:
        if obj.integration_id is None:
            return "environment"
        url = reverse("admin:integrations_integration_change", args=[obj.integration_id])
        return format_html('<a href="{}">{}</a>', url, obj.integration)

    @admin.display(description="About")
    def about(self, obj: IntegrationIssue) -> str:
        if obj.type == IssueType.WEBHOOK_ENDPOINT_DISABLED and obj.subject:
            url = reverse("admin:integrations_webhookendpoint_change", args=[obj.subject])
            return format_html('<a href="{}">webhook endpoint {}</a>', url, obj.subject)
        return obj.subject or "—"
