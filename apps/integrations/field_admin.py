"""Admin: custom fields (the environment's settings), the field explorer per integration, integration issues."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from apps.connectors.errors import ConnectorError
from apps.core.api.errors import ApiError
from apps.integrations.field_models import CustomField, CustomFieldMapping, IntegrationField
from apps.integrations.field_selectors import field_samples
from apps.integrations.field_services import (
    custom_field_map,
    environment_custom_fields_changed,
    integration_field_update,
    integration_fields_refresh,
)
from apps.integrations.issue_models import IntegrationIssue, IssueTransition
from apps.integrations.models import Integration


@admin.register(CustomField)
class CustomFieldAdmin(admin.ModelAdmin):
    """The environment's custom field keys per model (Settings → custom fields); each integration maps them in its
    field explorer or through `PUT /v1/integrations/{id}/custom-fields/{id}`."""

    list_display = ("key", "model", "label", "environment")
    list_filter = ("environment", "model")
    search_fields = ("key", "label")
    readonly_fields = ("id", "created_at", "updated_at")

    def save_model(self, request: HttpRequest, obj: CustomField, form: object, change: bool) -> None:
        super().save_model(request, obj, form, change)
        environment_custom_fields_changed(environment=obj.environment)


class IntegrationIssueInline(admin.TabularInline):
    model = IntegrationIssue
    fields = ("type", "status", "title", "message", "first_observed_at", "resolved_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "Issues"

    def get_queryset(self, request: HttpRequest) -> QuerySet[IntegrationIssue]:
        return super().get_queryset(request).filter(first_observed_at__isnull=False)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="What to do")
    def message(self, obj: IntegrationIssue) -> str:
        return obj.markdown_message


@admin.register(IssueTransition)
class IssueTransitionAdmin(admin.ModelAdmin):
    list_display = ("at", "change", "issue")
    list_filter = ("change", "issue__type")
    readonly_fields = ("id", "issue", "change", "at", "payload")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class FieldExplorerMixin:
    """`…/integration/<id>/fields/`: the ATS's fields with a sample value each, passthrough switches and the
    custom field mapping, editable by staff; "Refresh from the ATS" lists the fields live."""

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.field_explorer_view)  # type: ignore[attr-defined]
        explorer = path("<path:object_id>/fields/", view, name="integrations_integration_fields")
        return [explorer, *super().get_urls()]  # type: ignore[misc]

    @admin.display(description="Fields")
    def field_explorer_link(self, obj: Integration) -> str:
        url = reverse("admin:integrations_integration_fields", args=[obj.pk])
        return format_html('<a href="{}">Field explorer</a>', url)

    def field_explorer_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        integration = get_object_or_404(Integration, pk=object_id)
        if not self.has_view_permission(request, integration):  # type: ignore[attr-defined]
            raise PermissionDenied
        if request.method == "POST":
            if not self.has_change_permission(request, integration):  # type: ignore[attr-defined]
                raise PermissionDenied
            self._save_explorer(request, integration)
            return HttpResponseRedirect(request.path)
        fields = list(IntegrationField.objects.filter(integration=integration, is_present=True))
        samples = field_samples(integration=integration)
        mappings = {m.custom_field_id: m.integration_field_id for m in integration.custom_field_mappings.all()}
        custom_fields = CustomField.objects.filter(environment=integration.environment)
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": Integration._meta,
            "original": integration,
            "title": f"Fields of {integration}",
            "rows": [
                {"field": field, "sample": json.dumps(samples[field.id]) if field.id in samples else ""}
                for field in fields
            ],
            "custom_fields": [
                {
                    "custom_field": custom_field,
                    "mapped": mappings.get(custom_field.id, ""),
                    "choices": [field for field in fields if field.model == custom_field.model],
                }
                for custom_field in custom_fields
            ],
        }
        return TemplateResponse(request, "admin/integrations/field_explorer.html", context)

    def _save_explorer(self, request: HttpRequest, integration: Integration) -> None:
        if "refresh" in request.POST:
            try:
                count = integration_fields_refresh(integration=integration)
            except ConnectorError as error:
                self.message_user(request, f"Listing the fields failed: {error.message}", messages.ERROR)  # type: ignore[attr-defined]
                return
            self.message_user(request, f"{count} fields listed by the ATS.", messages.SUCCESS)  # type: ignore[attr-defined]
            return
        enabled = set(request.POST.getlist("passthrough"))
        for field in IntegrationField.objects.filter(integration=integration, is_present=True):
            integration_field_update(field=field, enable_passthrough=field.id in enabled)
        for custom_field in CustomField.objects.filter(environment=integration.environment):
            chosen = request.POST.get(f"map-{custom_field.id}", "") or None
            current = CustomFieldMapping.objects.filter(integration=integration, custom_field=custom_field).first()
            if (current.integration_field_id if current else None) == chosen:
                continue
            try:
                custom_field_map(integration=integration, custom_field=custom_field, integration_field_id=chosen)
            except ApiError as error:
                self.message_user(request, error.message, messages.ERROR)  # type: ignore[attr-defined]
        self.message_user(request, "Fields saved.", messages.SUCCESS)  # type: ignore[attr-defined]
