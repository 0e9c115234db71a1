"""Admin pages of outgoing webhooks: endpoints (secret shown once, rotate, ping, replay, re-enable), deliveries
(details with every attempt, "send again"), attempts and events. Every action calls one service."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from apps.core.api.errors import ApiError
from apps.integrations.connect_admin import ReadOnlyAdmin
from apps.integrations.webhook_models import (
    SUBSCRIBABLE_EVENT_TYPES,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from apps.integrations.webhook_services import (
    webhook_delivery_send_again,
    webhook_endpoint_create,
    webhook_endpoint_enable,
    webhook_endpoint_ping,
    webhook_endpoint_replay,
    webhook_endpoint_rotate_secret,
    webhook_event_types_check,
    webhook_url_check,
)

EVENT_CHOICES = [(value, value) for value in SUBSCRIBABLE_EVENT_TYPES]


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=2000, assume_scheme="https", help_text="http(s) URL that receives the events.")
    event_types = forms.MultipleChoiceField(
        choices=EVENT_CHOICES, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every event type.",
    )  # fmt: skip

    class Meta:
        model = WebhookEndpoint
        fields = ("environment", "url", "event_types", "active")

    def clean_url(self) -> str:
        try:
            return webhook_url_check(self.cleaned_data["url"])
        except ApiError as error:
            raise ValidationError(error.message.removeprefix("url: ")) from None

    def clean_event_types(self) -> list[str]:
        return webhook_event_types_check(self.cleaned_data.get("event_types") or [])


class ReplayForm(forms.Form):
    since = forms.DateTimeField(
        label="Replay every event since (UTC)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ("url", "environment", "active", "events", "failing_since", "disabled_at", "created_at")
    list_filter = ("active", "environment")
    search_fields = ("id", "url")
    readonly_fields = (
        "id", "failing_since", "disabled_at", "disabled_reason", "previous_secret_expires_at", "links",
    )  # fmt: skip
    actions = ("rotate_secret", "send_test_ping", "re_enable")

    def get_fields(self, request: HttpRequest, obj: WebhookEndpoint | None = None) -> list[str]:
        if obj is None:
            return ["environment", "url", "event_types", "active"]
        return ["id", "environment", "url", "event_types", "active", *self.readonly_fields[1:]]

    def get_readonly_fields(self, request: HttpRequest, obj: WebhookEndpoint | None = None) -> tuple[str, ...]:
        return (*self.readonly_fields, "environment") if obj is not None else ()

    @admin.display(description="Events")
    def events(self, obj: WebhookEndpoint) -> str:
        return ", ".join(obj.event_types) or "all"

    @admin.display(description="Deliveries")
    def links(self, obj: WebhookEndpoint) -> str:
        deliveries = reverse("admin:integrations_webhookdelivery_changelist") + f"?endpoint__id__exact={obj.id}"
        failed = deliveries + "&status__exact=FAILED"
        attempts = reverse("admin:integrations_webhookattempt_changelist") + f"?endpoint__id__exact={obj.id}"
        replay = reverse("admin:integrations_webhookendpoint_replay", args=[obj.id])
        return format_html(
            '<a href="{}">All deliveries</a> · <a href="{}">Failed deliveries</a> · <a href="{}">Attempts</a> · '
            '<a href="{}" id="replay-link">Replay events since…</a>',
            deliveries, failed, attempts, replay,
        )  # fmt: skip

    def save_model(self, request: HttpRequest, obj: WebhookEndpoint, form: forms.Form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        endpoint, secret = webhook_endpoint_create(
            environment=obj.environment, url=obj.url, event_types=obj.event_types, active=obj.active
        )
        obj.pk, obj.id = endpoint.pk, endpoint.id
        messages.warning(request, f"The signing secret of this endpoint, shown only now: {secret}")

    @admin.action(description="Rotate the signing secret (the old one keeps signing for a day)")
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            secret = webhook_endpoint_rotate_secret(endpoint=endpoint)
            messages.warning(request, f"New signing secret of {endpoint.url}, shown only now: {secret}")

    @admin.action(description="Send a signed test ping")
    def send_test_ping(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            event = webhook_endpoint_ping(endpoint=endpoint)
            messages.success(request, f"Test ping {event.id} queued for {endpoint.url}.")

    @admin.action(description="Re-enable (waiting deliveries start over)")
    def re_enable(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            waiting = webhook_endpoint_enable(endpoint=endpoint)
            messages.success(request, f"{endpoint.url} is enabled again; {waiting} waiting deliveries queued.")

    def get_urls(self) -> list[Any]:
        replay = path(
            "<str:object_id>/replay/",
            self.admin_site.admin_view(self.replay_view),
            name="integrations_webhookendpoint_replay",
        )
        return [replay, *super().get_urls()]

    def replay_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        endpoint = get_object_or_404(WebhookEndpoint, id=object_id)
        if not self.has_change_permission(request, endpoint):
            return HttpResponse(status=403)
        form = ReplayForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            count = webhook_endpoint_replay(endpoint=endpoint, since=form.cleaned_data["since"])
            messages.success(request, f"{count} events since {form.cleaned_data['since']:%Y-%m-%d %H:%M} queued.")
            return HttpResponseRedirect(reverse("admin:integrations_webhookendpoint_change", args=[endpoint.id]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Replay events to {endpoint.url}",
            "form": form,
            "endpoint": endpoint,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/integrations/webhook_replay.html", context)


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = (
        "number", "started_at", "duration_ms", "outcome", "status_code", "error", "response_body", "next_retry_at",
    )  # fmt: skip
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("number",)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at", "event_type", "event_id", "endpoint", "status", "attempts", "last_status_code",
        "next_attempt_at", "delivered_at",
    )  # fmt: skip
    list_filter = ("status", "event__type", "endpoint", "last_status_code")
    list_select_related = ("event", "endpoint")
    search_fields = ("id", "event__id", "endpoint__url")
    date_hierarchy = "created_at"
    fields = (
        "id", "event_id", "event_type", "endpoint", "status", "attempts", "created_at", "window_started_at",
        "next_attempt_at", "delivered_at", "last_status_code", "last_error", "body",
    )  # fmt: skip
    readonly_fields = fields
    inlines = (AttemptInline,)
    actions = ("send_again",)
    change_form_template = "admin/integrations/webhookdelivery_change_form.html"

    @admin.display(description="Event type", ordering="event__type")
    def event_type(self, obj: WebhookDelivery) -> str:
        return obj.event.type

    @admin.display(description="Body")
    def body(self, obj: WebhookDelivery) -> str:
        return format_html("<pre>{}</pre>", json.dumps(json.loads(obj.event.body), indent=2))

    @admin.action(description="Send again (same event id)", permissions=["view"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        for delivery in queryset:
            webhook_delivery_send_again(delivery=delivery)
        messages.success(request, f"{queryset.count()} deliveries queued again.")

    def get_urls(self) -> list[Any]:
        again = path(
            "<str:object_id>/send-again/",
            self.admin_site.admin_view(self.send_again_view),
            name="integrations_webhookdelivery_send_again",
        )
        return [again, *super().get_urls()]

    def send_again_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        delivery = get_object_or_404(WebhookDelivery, id=object_id)
        if request.method != "POST" or not self.has_view_permission(request, delivery):
            return HttpResponse(status=405 if request.method != "POST" else 403)
        webhook_delivery_send_again(delivery=delivery)
        messages.success(request, f"Delivery of {delivery.event_id} queued again.")
        return HttpResponseRedirect(reverse("admin:integrations_webhookdelivery_change", args=[delivery.id]))


@admin.register(WebhookAttempt)
class WebhookAttemptAdmin(ReadOnlyAdmin):
    list_display = (
        "started_at",
        "event_type",
        "delivery",
        "endpoint",
        "number",
        "outcome",
        "status_code",
        "duration_ms",
        "error",
        "next_retry_at",
    )
    list_filter = ("outcome", "event_type", "status_code", "endpoint")
    list_select_related = ("delivery", "endpoint")
    search_fields = ("delivery__event__id", "error")
    date_hierarchy = "started_at"


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "type", "id", "integration_id", "environment")
    list_filter = ("type", "environment")
    search_fields = ("id", "integration_id")
    date_hierarchy = "created_at"
