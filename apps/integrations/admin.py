from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django import forms
from django.apps import apps as django_apps
from django.contrib import admin, messages
from django.db import models
from django.db.models import Q
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from apps.connectors.registry import CONNECTORS
from apps.core.api.errors import ApiError
from apps.integrations.field_admin import FieldExplorerMixin, IntegrationIssueInline
from apps.integrations.integration_page import AbandonedFlowFilter, IntegrationPageMixin
from apps.integrations.models import ApiKey, Environment, Integration, SyncRun, SyncRunModel
from apps.integrations.services import api_key_create, api_key_revoke, integration_set_credentials


def _owned_rows(model: type[models.Model], objs: Iterable[models.Model]) -> dict[str, int]:
    """Rows that cascade from these objects, per model (verbose plural name), counted in the database.

    Deleting an environment or integration takes its synced ATS data along (as DELETE /v1/integrations/{id}
    does). Django's default confirmation page lists every row one by one, and refuses because the synced data's
    admin is read-only: with 100k+ applications the page is unusable and the delete impossible.
    """
    ids = [obj.pk for obj in objs]
    lookups: dict[type[models.Model], list[str]] = {}

    def walk(target: type[models.Model], path: str) -> None:
        for other in django_apps.get_models():
            for field in other._meta.get_fields():
                if (
                    isinstance(field, models.ForeignKey)
                    and field.related_model is target
                    and field.remote_field.on_delete is models.CASCADE
                ):
                    lookup = f"{field.name}__{path}"
                    lookups.setdefault(other, []).append(lookup)
                    if other is Integration:  # an environment's integrations, and what they own
                        walk(Integration, lookup)

    walk(model, "in")
    counts: dict[str, int] = {}
    for other, paths in lookups.items():
        match = Q()
        for lookup in paths:
            match |= Q(**{lookup: ids})
        number = other._default_manager.filter(match).distinct().count()
        if number:
            counts[str(other._meta.verbose_name_plural)] = number
    return counts


class DeleteWithOwnedDataMixin:
    """The delete confirmation counts the rows that go along per model instead of listing each of them."""

    def get_deleted_objects(
        self, objs: Iterable[models.Model], request: HttpRequest
    ) -> tuple[list[Any], dict[str, int], set[str], list[Any]]:
        objs = list(objs)
        model = type(objs[0]) if objs else Integration
        # The page's summary lists the counts per model; the objects list names only the chosen objects.
        model_count = {str(model._meta.verbose_name_plural): len(objs), **_owned_rows(model, objs)}
        return [str(obj) for obj in objs], model_count, set(), []


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    fields = ("name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Environment)
class EnvironmentAdmin(DeleteWithOwnedDataMixin, admin.ModelAdmin):
    list_display = ("display_name", "name", "id", "created_at")
    search_fields = ("name", "display_name", "id")
    readonly_fields = ("id", "scope_config_id", "created_at", "updated_at")
    inlines = [ApiKeyInline]


class ApiKeyAddForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ("environment", "name")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "environment", "created_at", "last_used_at", "revoked_at")
    list_filter = ("environment",)
    list_select_related = ("environment",)
    search_fields = ("name", "prefix")
    # Revocation is final and goes through the action: an editable date would let a revoked key be revived.
    readonly_fields = ("id", "prefix", "created_at", "last_used_at", "revoked_at")
    fields = ("id", "environment", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke_keys"]

    def get_form(self, request: HttpRequest, obj: ApiKey | None = None, **kwargs: object) -> type[forms.ModelForm]:
        if obj is None:
            kwargs["form"] = ApiKeyAddForm
            kwargs["fields"] = ("environment", "name")
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> tuple[str, ...]:
        return () if obj is None else (*self.readonly_fields, "environment")

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> tuple[str, ...]:
        return ("environment", "name") if obj is None else self.fields

    def save_model(self, request: HttpRequest, obj: ApiKey, form: forms.Form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        api_key, raw_key = api_key_create(environment=obj.environment, name=obj.name)
        obj.pk = api_key.pk
        obj.refresh_from_db()
        self.message_user(
            request,
            format_html("New API key (shown only now, copy it): <code>{}</code>", raw_key),
            messages.WARNING,
        )

    @admin.action(description="Revoke selected API keys", permissions=["change"])
    def revoke_keys(self, request: HttpRequest, queryset: object) -> None:
        for api_key in queryset:  # type: ignore[attr-defined]
            api_key_revoke(api_key=api_key)
        self.message_user(request, "Revoked.", messages.SUCCESS)


class IntegrationForm(forms.ModelForm):
    base_url = forms.URLField(
        required=False, assume_scheme="https", help_text=Integration._meta.get_field("base_url").help_text
    )
    new_credentials = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
        help_text="Write-only. A JSON object of credential fields replaces the stored credentials; "
        "leave empty to keep them. Stored credentials are never shown.",
    )

    class Meta:
        model = Integration
        fields = (
            "environment",
            "tool",
            "end_user_organization_name",
            "end_user_email",
            "end_user_origin_id",
            "state",
            "setup_status",
            "enabled",
            "base_url",
            "sync_all_records",
            "delta_sync_minutes",
            "full_sync_minutes",
        )
        widgets = {"tool": forms.Select(choices=[(tool, tool) for tool in CONNECTORS])}

    def clean_new_credentials(self) -> dict[str, str] | None:
        raw = self.cleaned_data["new_credentials"].strip()
        if not raw:
            return None
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"Not valid JSON: {exc.msg}.") from None
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise forms.ValidationError("Expected a JSON object of string values.")
        return value


@admin.register(Integration)
class IntegrationAdmin(IntegrationPageMixin, FieldExplorerMixin, DeleteWithOwnedDataMixin, admin.ModelAdmin):
    form = IntegrationForm
    list_display = ("id", "end_user_organization_name", "tool", "environment", "state", "setup_status", "enabled")
    list_filter = (AbandonedFlowFilter, "tool", "state", "setup_status", "enabled", "environment")
    list_select_related = ("environment",)
    search_fields = ("id", "end_user_organization_name", "end_user_email", "end_user_origin_id")
    readonly_fields = (
        "id", "auth_kind", "masked_credentials", "credentials_key_id", "field_explorer_link",
        "created_at", "updated_at", *IntegrationPageMixin.page_fields,
    )  # fmt: skip
    actions = ["sync_now", "full_sync_now"]
    inlines = [IntegrationIssueInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Integration | None = None) -> tuple[str, ...]:
        return self.readonly_fields if obj is None else (*self.readonly_fields, "environment", "tool")

    def get_fieldsets(self, request: HttpRequest, obj: Integration | None = None) -> list[tuple[str | None, dict]]:
        # What staff come for (health, runs, the source, the calls) first; the editable settings below it.
        fields = list(self.get_fields(request, obj))
        overview = [name for name in ("id", "state", *IntegrationPageMixin.page_fields) if name in fields]
        settings_fields = [name for name in fields if name not in overview]
        return [("Health and syncs", {"fields": overview}), ("Settings", {"fields": settings_fields})]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Integrations are created by the connection flow or the demo command, which choose a proper id.
        return False

    @admin.display(description="Credentials")
    def masked_credentials(self, obj: Integration) -> str:
        if not obj.credentials:
            return "—"
        return format_html_join(", ", "{}: ••••••••", ((name,) for name in sorted(obj.credentials)))

    def save_model(self, request: HttpRequest, obj: Integration, form: forms.Form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        new_credentials = form.cleaned_data.get("new_credentials")
        if new_credentials is not None:
            integration_set_credentials(integration=obj, credentials=new_credentials)
            self.message_user(request, "Credentials replaced.", messages.SUCCESS)

    @admin.action(description="Sync now (delta)", permissions=["change"])
    def sync_now(self, request: HttpRequest, queryset: object) -> None:
        self._request_syncs(request, queryset, SyncRun.Type.DELTA)

    @admin.action(description="Sync now (full)", permissions=["change"])
    def full_sync_now(self, request: HttpRequest, queryset: object) -> None:
        self._request_syncs(request, queryset, SyncRun.Type.FULL)

    def _request_syncs(self, request: HttpRequest, queryset: object, run_type: str) -> None:
        from apps.integrations.sync import sync_run_request

        for integration in queryset:  # type: ignore[attr-defined]
            try:
                run, already = sync_run_request(integration=integration, type=run_type, trigger=SyncRun.Trigger.ADMIN)
            except ApiError as exc:
                self.message_user(request, f"Integration {integration.id}: {exc.message}", messages.ERROR)
                continue
            state = "was already queued" if already else "queued"
            self.message_user(
                request, f"Integration {integration.id}: {run.type} sync {run.id} {state}.", messages.SUCCESS
            )


def progress_bar(percent: int, status: str) -> str:
    colour = {"FAILED": "#ba2121", "SUCCEEDED": "#417690", "CANCELED": "#999"}.get(status, "#79aec8")
    return format_html(
        '<div class="progress" title="{}%" style="width:120px;background:#eee;border-radius:3px;height:12px">'
        '<div class="progress-fill" style="width:{}%;background:{};height:12px;border-radius:3px"></div></div>',
        percent,
        percent,
        colour,
    )


class SyncRunModelInline(admin.TabularInline):
    model = SyncRunModel
    fields = ("model", "status", "pages", "fetched", "created", "updated", "unchanged", "skipped", "deleted",
              "started_at", "finished_at")  # fmt: skip
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    """The monitoring view of syncs: one row per run, with its progress."""

    # At most 8 columns (they fit at 1440 px); counters, trigger and the rest are on the change page.
    list_display = ("id", "integration_id_shown", "type", "status", "progress", "created_seconds", "duration",
                    "short_error")  # fmt: skip
    list_filter = ("status", "type", "trigger")
    list_select_related = ("integration",)
    search_fields = ("id", "integration__id", "integration__end_user_organization_name")
    raw_id_fields = ("integration",)
    inlines = [SyncRunModelInline]
    readonly_fields = [field.name for field in SyncRun._meta.fields if field.name != "claim_token"] + [
        "progress",
        "live_progress",
        "outbound_calls",
    ]
    exclude = ("claim_token",)

    @admin.display(description="Live progress")
    def live_progress(self, obj: SyncRun) -> str:
        from apps.integrations.integration_page import progress_table

        return progress_table(obj.integration_id, [obj], follow_new=False)

    @admin.display(description="Request log")
    def outbound_calls(self, obj: SyncRun) -> str:
        from apps.integrations.request_log_admin import calls_link_for_run

        return calls_link_for_run(obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="Integration", ordering="integration_id")
    def integration_id_shown(self, obj: SyncRun) -> str:
        return obj.integration_id  # as it is: no "Sandbox:…" capitalisation

    @admin.display(description="Created", ordering="created_at")
    def created_seconds(self, obj: SyncRun) -> str:
        return obj.created_at.strftime("%Y-%m-%d %H:%M:%S")

    @admin.display(description="Progress")
    def progress(self, obj: SyncRun) -> str:
        return progress_bar(obj.progress_percent, obj.status)

    @admin.display(description="Duration")
    def duration(self, obj: SyncRun) -> str:
        if obj.started_at is None:
            return "—"
        seconds = ((obj.finished_at or obj.heartbeat_at or obj.started_at) - obj.started_at).total_seconds()
        return f"{seconds:.1f} s"

    @admin.display(description="Error")
    def short_error(self, obj: SyncRun) -> str:
        return (obj.error[:80] + "…") if len(obj.error) > 80 else obj.error


# The connection flow's admin pages.
from apps.integrations import connect_admin  # noqa: E402,F401

# Tributary's name, the dashboard home, the synced data last.
from apps.integrations.admin_dashboard import install as _install_dashboard  # noqa: E402

# Every issue, of integrations and of environments.
from apps.integrations.issue_admin import IntegrationIssueAdmin  # noqa: E402,F401

# The request log's admin list.
from apps.integrations.request_log_admin import OutboundRequestAdmin  # noqa: E402,F401

# Outgoing webhooks' admin pages.
from apps.integrations.webhook_admin import WebhookEndpointAdmin  # noqa: E402,F401

_install_dashboard(admin.site)
