from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from apps.attribution.charts import coverage_chart
from apps.attribution.models import ApplicationAttribution, SourceMapping
from apps.attribution.selectors import attribution_coverage, attribution_coverage_report, attribution_failures
from apps.attribution.services import source_mapping_check, source_mapping_update
from apps.connectors.errors import ConnectorError
from apps.integrations.admin_dashboard import Figure
from apps.integrations.connectors import connector_for
from apps.integrations.issue_models import IntegrationIssue, IssueType

EDITABLE_MAPPING_FIELDS = ("status", "source_name", "remote_id", "remote_type", "remote_subtype", "remote_label")


class SourceMappingForm(forms.ModelForm):
    """A mapping saved as CONFIGURED is checked live first (the flow's check): the ATS must have that source."""

    class Meta:
        model = SourceMapping
        fields = EDITABLE_MAPPING_FIELDS
        help_texts = {
            "remote_type": 'The ATS\'s source type id where it has types (SmartRecruiters: e.g. "custom"); '
            "empty for ATSs with a flat source list.",
            "remote_subtype": "The ATS's source subtype id under that type, where it has one.",
        }

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        remote_id = cleaned.get("remote_id")
        if cleaned.get("status") != SourceMapping.Status.CONFIGURED or not remote_id or self.instance.pk is None:
            return cleaned
        integration = self.instance.integration
        try:
            source = connector_for(integration).get_source(str(remote_id))
        except ConnectorError as exc:
            raise forms.ValidationError(
                f"We could not check the source in {integration.tool} ({exc.message}); nothing was saved."
            ) from None
        if source is None:
            self.add_error("remote_id", f"{integration.tool} has no source with the id {remote_id!r}.")
        return cleaned


@admin.register(SourceMapping)
class SourceMappingAdmin(admin.ModelAdmin):
    form = SourceMappingForm
    list_display = ("integration", "strategy", "status", "source_name", "remote_label", "remote_id", "last_checked_at")
    list_filter = ("status", "strategy", "integration__environment", "integration__tool")
    list_select_related = ("integration", "integration__environment")
    search_fields = ("integration__id", "integration__end_user_organization_name", "source_name", "remote_label")
    fields = ("integration", "strategy", *EDITABLE_MAPPING_FIELDS, "last_checked_at", "last_error")
    readonly_fields = ("integration", "strategy", "last_checked_at", "last_error")
    actions = ["recheck"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # created by the connection flow and the write path

    def save_model(self, request: HttpRequest, obj: SourceMapping, form: forms.Form, change: bool) -> None:
        source_mapping_update(mapping=obj, **{name: form.cleaned_data[name] for name in EDITABLE_MAPPING_FIELDS})

    @admin.action(description="Re-check live against the ATS", permissions=["change"])
    def recheck(self, request: HttpRequest, queryset: QuerySet[SourceMapping]) -> None:
        for mapping in queryset.select_related("integration", "integration__environment"):
            checked = source_mapping_check(integration=mapping.integration)
            level = messages.SUCCESS if checked.status in ("CONFIGURED", "NOT_REQUIRED") else messages.ERROR
            detail = f" – {checked.last_error}" if checked.last_error else ""
            self.message_user(request, f"{mapping.integration_id}: {checked.get_status_display()}{detail}", level)


@admin.register(ApplicationAttribution)
class ApplicationAttributionAdmin(admin.ModelAdmin):
    change_list_template = "admin/attribution/applicationattribution/change_list.html"
    list_display = (
        "application_remote_id",
        "integration",
        "status",
        "reason",
        "expected_source",
        "observed_source",
        "created_at",
    )
    list_filter = ("status", "integration__environment", "integration__tool", "candidate_existed")
    list_select_related = ("integration",)
    search_fields = ("application_remote_id", "candidate_remote_id", "integration__id", "reason")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        coverage = path("coverage/", self.admin_site.admin_view(self.coverage_view), name="attribution_coverage")
        return [coverage, *super().get_urls()]

    def coverage_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            days = min(max(int(request.GET.get("days", "30")), 1), 365)
        except ValueError:
            days = 30
        include_abandoned = request.GET.get("abandoned") == "all"
        report = attribution_coverage_report(days=days, include_abandoned=include_abandoned)
        environments = [
            {
                "entry": entry,
                "chart": coverage_chart(entry.coverage.series, title=f"{entry.environment}: last {days} days"),
                "integrations": [
                    {
                        "entry": item,
                        "chart": coverage_chart(item.coverage.series, title=f"{item.integration.id}: last {days} days"),
                    }
                    for item in entry.integrations
                ],
            }
            for entry in report
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Attribution coverage",
            "days": days,
            "include_abandoned": include_abandoned,
            "environments": environments,
            "failures": attribution_failures()[:50],
            "issues": IntegrationIssue.objects.filter(
                status=IntegrationIssue.Status.OPEN, type=IssueType.SOURCE_MISSING
            ).select_related("integration"),
        }
        return TemplateResponse(request, "admin/attribution/coverage.html", context)


def coverage_figures() -> list[Figure]:
    """The admin home's figure: the share of applications created in the last 7 days whose source was confirmed."""
    series = attribution_coverage(days=7).series
    total, confirmed = sum(point.total for point in series), sum(point.confirmed for point in series)
    value = f"{confirmed / total:.0%} ({confirmed} of {total})" if total else "no applications"
    url = reverse("admin:attribution_coverage") + "?days=7"
    return [Figure("Attribution coverage, last 7 days", value, url, alert=bool(total) and confirmed < total)]
