"""The integration's admin page as an operator needs it: last sync per model, recent runs with progress, the request
log, and a "Sync now" that takes you to the run it started. Each block is one query, whatever the history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from apps.core.api.errors import ApiError
from apps.integrations.models import Integration, SyncRun, SyncRunModel

RECENT_RUNS = 10


def _seconds(run_or_model: Any) -> str:
    if run_or_model.started_at is None or run_or_model.finished_at is None:
        return "—"
    return f"{(run_or_model.finished_at - run_or_model.started_at).total_seconds():.1f} s"


class IntegrationPageMixin:
    """Mixed into IntegrationAdmin (it provides `admin_site`, `has_change_permission`)."""

    page_fields = ("sync_now_button", "last_sync_per_model", "recent_runs", "request_log_link", "last_error")

    @admin.display(description="Last sync per model")
    def last_sync_per_model(self, obj: Integration) -> str:
        checkpoints = (
            SyncRunModel.objects.filter(run__integration=obj, status=SyncRunModel.Status.DONE)
            .exclude(finished_at=None)
            .order_by("-finished_at")
            .only("model", "fetched", "started_at", "finished_at")[:200]
        )
        latest: dict[str, SyncRunModel] = {}
        for checkpoint in checkpoints:
            latest.setdefault(checkpoint.model, checkpoint)
        if not latest:
            return "No model synced yet."
        rows = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((name, item.finished_at.strftime("%Y-%m-%d %H:%M:%S"), item.fetched, _seconds(item))
             for name, item in sorted(latest.items())),
        )  # fmt: skip
        return format_html(
            '<table class="last-sync"><thead><tr><th>Model</th><th>Finished</th><th>Records</th><th>Duration</th>'
            "</tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    @admin.display(description="Recent runs")
    def recent_runs(self, obj: Integration) -> str:
        from apps.integrations.admin import progress_bar

        runs = list(SyncRun.objects.filter(integration=obj).order_by("-created_at", "-id")[:RECENT_RUNS])
        if not runs:
            return "No runs yet."
        rows = format_html_join(
            "", '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
            ((reverse("admin:integrations_syncrun_change", args=[run.id]), run.id, run.type, run.status,
              progress_bar(run.progress_percent, run.status), run.created_at.strftime("%Y-%m-%d %H:%M:%S"),
              _seconds(run)) for run in runs),
        )  # fmt: skip
        return format_html(
            '<table class="recent-runs"><thead><tr><th>Run</th><th>Type</th><th>Status</th><th>Progress</th>'
            "<th>Created</th><th>Duration</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    @admin.display(description="Request log")
    def request_log_link(self, obj: Integration) -> str:
        url = reverse("admin:integrations_outboundrequest_changelist")
        return format_html(
            '<a href="{}?integration__id__exact={}">All outbound calls</a> · '
            '<a href="{}?integration__id__exact={}&amp;status_class=failed">failed ones</a>',
            url, obj.pk, url, obj.pk,
        )  # fmt: skip

    @admin.display(description="Sync")
    def sync_now_button(self, obj: Integration) -> str:
        url = reverse("admin:integrations_integration_sync_now", args=[obj.pk])
        return format_html(
            '<button type="submit" formaction="{}" formmethod="post" formnovalidate class="button">Sync now</button>',
            url,
        )

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(require_POST(self.sync_now_view))  # type: ignore[attr-defined]
        own = [path("<path:object_id>/sync-now/", view, name="integrations_integration_sync_now")]
        return own + super().get_urls()  # type: ignore[misc]

    def sync_now_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        from apps.integrations.sync import sync_run_request

        integration = get_object_or_404(Integration, pk=object_id)
        if not self.has_change_permission(request, integration):  # type: ignore[attr-defined]
            raise PermissionDenied
        try:
            run, already = sync_run_request(integration=integration, type=SyncRun.Type.DELTA,
                                            trigger=SyncRun.Trigger.ADMIN)  # fmt: skip
        except ApiError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("admin:integrations_integration_change", args=[integration.pk]))
        messages.success(request, f"Sync {run.id} {'was already queued' if already else 'started'}.")
        return HttpResponseRedirect(reverse("admin:integrations_syncrun_change", args=[run.id]))
