"""The integration's admin page as an operator needs it: last and next sync per model, recent runs with live
progress, the source mapping with "Re-check source", the request log, "Sync now" that takes you to the run it
started and "Relink link" for the end user. Each block is one query, whatever the history."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from apps.core.api.errors import ApiError
from apps.core.timeutils import utcnow
from apps.integrations.abandoned import abandoned_filter
from apps.integrations.models import Integration, SyncRun, SyncRunModel

RECENT_RUNS = 10
PROGRESS_POLL_MS = 2000


class AbandonedFlowFilter(admin.SimpleListFilter):
    """Integrations of abandoned connection flows are left out unless asked for (apps.integrations.abandoned)."""

    title = "connection flow"
    parameter_name = "flow"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("abandoned", "Abandoned flows only"), ("all", "All, abandoned flows too")]

    def choices(self, changelist: Any) -> Any:
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "Finished flows (default)",
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Integration]) -> QuerySet[Integration]:
        if self.value() == "all":
            return queryset
        return abandoned_filter(queryset, abandoned=self.value() == "abandoned")


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def next_scheduled_sync(integration: Integration, *, now: datetime | None = None) -> str:
    """When the scheduler (`sync_dispatch`, every minute) queues this integration's next run, and of which type:
    every run reads every model, so it is each model's next sync too. One query."""
    from apps.integrations.sync import DEFAULT_DELTA_MINUTES, DEFAULT_FULL_MINUTES

    if not integration.enabled:
        return "Not scheduled (disabled)"
    if integration.state != Integration.State.ACTIVE:
        return f"Not scheduled ({integration.get_state_display().lower()})"
    if integration.setup_status == Integration.SetupStatus.INCOMPLETE:
        return "Not scheduled (setup incomplete)"
    now = now or utcnow()
    last = SyncRun.objects.filter(integration=integration).aggregate(
        full=Max("created_at", filter=Q(type=SyncRun.Type.FULL)), any=Max("created_at")
    )
    full_every = timedelta(minutes=integration.full_sync_minutes or DEFAULT_FULL_MINUTES)
    delta_every = timedelta(minutes=integration.delta_sync_minutes or DEFAULT_DELTA_MINUTES)
    full_at = last["full"] + full_every if last["full"] else now
    delta_at = last["any"] + delta_every if last["any"] else now
    kind, at = ("full", full_at) if full_at <= delta_at else ("delta", delta_at)
    return f"{kind} at {_when(max(at, now))}" if at > now else f"{kind}, due now (queued within a minute)"


def run_progress(run: SyncRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "status": run.status,
        "percent": run.progress_percent,
        "models_done": run.models_done,
        "models_total": run.models_total,
        "current_model": run.current_model,
        "fetched": run.fetched,
        "active": run.is_active,
    }


# Polls the progress endpoint while a run is queued or running, and moves its bar and status in place.
PROGRESS_SCRIPT = """<script>(function () {
  var table = document.currentScript.previousElementSibling, url = table.dataset.progressUrl;
  function active() { return table.querySelector('tr[data-active="true"]'); }
  function poll() {
    if (!active()) return;
    fetch(url, {credentials: "same-origin", cache: "no-store"})
    .then(function (r) { return r.json(); }).then(function (data) {
      data.runs.forEach(function (run) {
        var row = table.querySelector('tr[data-run="' + run.id + '"]');
        if (!row) { if (table.dataset.followNew === "true") window.location.reload(); return; }
        row.dataset.active = run.active ? "true" : "false";
        row.querySelector(".run-status").textContent = run.status;
        var bar = row.querySelector(".progress-fill");
        bar.style.width = run.percent + "%";
        bar.parentElement.title = run.percent + "%";
        row.querySelector(".run-detail").textContent = run.models_done + "/" + run.models_total + " models" +
          (run.current_model ? " · " + run.current_model : "") + " · " + run.fetched + " records";
      });
      setTimeout(poll, INTERVAL);
    }, function () { setTimeout(poll, INTERVAL * 3); });
  }
  setTimeout(poll, INTERVAL);
})();</script>""".replace("INTERVAL", str(PROGRESS_POLL_MS))


def _seconds(run_or_model: Any) -> str:
    if run_or_model.started_at is None or run_or_model.finished_at is None:
        return "—"
    return f"{(run_or_model.finished_at - run_or_model.started_at).total_seconds():.1f} s"


def progress_table(integration_id: str, runs: list[SyncRun], *, follow_new: bool) -> str:
    """Runs with their progress bars, kept moving by polling the integration's progress endpoint while one is
    queued or running; `follow_new`: a run that appears meanwhile reloads the page (the integration page)."""
    from apps.integrations.admin import progress_bar

    rows = format_html_join(
        "", '<tr data-run="{}" data-active="{}"><td><a href="{}">{}</a></td><td>{}</td><td class="run-status">{}'
        '</td><td>{}<div class="run-detail">{}/{} models{} · {} records</div></td><td>{}</td><td>{}</td></tr>',
        ((run.id, "true" if run.is_active else "false", reverse("admin:integrations_syncrun_change", args=[run.id]),
          run.id, run.type, run.status, progress_bar(run.progress_percent, run.status), run.models_done,
          run.models_total, f" · {run.current_model}" if run.current_model else "", run.fetched,
          run.created_at.strftime("%Y-%m-%d %H:%M:%S"), _seconds(run)) for run in runs),
    )  # fmt: skip
    return format_html(
        '<table class="recent-runs" data-progress-url="{}" data-follow-new="{}"><thead><tr><th>Run</th><th>Type</th>'
        "<th>Status</th><th>Progress</th><th>Created</th><th>Duration</th></tr></thead><tbody>{}</tbody></table>{}",
        reverse("admin:integrations_integration_progress", args=[integration_id]),
        "true" if follow_new else "false",
        rows,
        mark_safe(PROGRESS_SCRIPT),  # noqa: S308 (our constant)
    )


class IntegrationPageMixin:
    """Mixed into IntegrationAdmin (it provides `admin_site`, `has_change_permission`)."""

    page_fields = (
        "sync_now_button", "last_sync_per_model", "recent_runs", "source_mapping_status", "request_log_link",
        "last_error", "inbound_webhooks",
    )  # fmt: skip

    @admin.display(description="Webhooks from the ATS")
    def inbound_webhooks(self, obj: Integration) -> str:
        from apps.integrations.inbound_admin import inbound_webhooks_html

        return inbound_webhooks_html(obj)

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
        upcoming = next_scheduled_sync(obj)
        if not latest:
            return format_html('No model synced yet. Next sync: <span class="next-sync">{}</span>', upcoming)
        rows = format_html_join(
            "", '<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class="next-sync">{}</td></tr>',
            ((name, item.finished_at.strftime("%Y-%m-%d %H:%M:%S"), item.fetched, _seconds(item), upcoming)
             for name, item in sorted(latest.items())),
        )  # fmt: skip
        return format_html(
            '<table class="last-sync"><thead><tr><th>Model</th><th>Finished</th><th>Records</th><th>Duration</th>'
            "<th>Next scheduled</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    @admin.display(description="Recent runs")
    def recent_runs(self, obj: Integration) -> str:
        runs = list(SyncRun.objects.filter(integration=obj).order_by("-created_at", "-id")[:RECENT_RUNS])
        if not runs:
            return "No runs yet."
        return progress_table(obj.pk, runs, follow_new=True)

    @admin.display(description="Source mapping")
    def source_mapping_status(self, obj: Integration) -> str:
        from apps.integrations.source_step import source_step_required

        mapping = getattr(obj, "source_mapping", None)  # attribution's row (related name), read without importing it
        recheck = reverse("admin:integrations_integration_recheck_source", args=[obj.pk])
        button = format_html(
            '<button type="submit" formaction="{}" formmethod="post" formnovalidate class="button" '
            'id="recheck-source">Re-check source</button>',
            recheck,
        )
        if mapping is None:
            needed = "needs a source step" if source_step_required(obj) else "needs no source setup"
            return format_html("Not set up yet ({}). {}", needed, button)
        edit = reverse("admin:attribution_sourcemapping_change", args=[mapping.pk])
        return format_html(
            '<span class="source-status" data-status="{}">{}</span> · <a href="{}">{}</a>{}{} {}',
            mapping.status, mapping.get_status_display(), edit, mapping.remote_label or mapping.source_name or "—",
            f" (remote id {mapping.remote_id})" if mapping.remote_id else "",
            format_html(' <span class="errornote-inline">{}</span>', mapping.last_error) if mapping.last_error else "",
            button,
        )  # fmt: skip

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
        relink = reverse("admin:integrations_integration_relink", args=[obj.pk])
        return format_html(
            '<button type="submit" formaction="{}" formmethod="post" formnovalidate class="button" id="sync-now">'
            "Sync now</button> "
            '<button type="submit" formaction="{}" formmethod="post" formnovalidate class="button" id="relink">'
            "Relink link</button>",
            url,
            relink,
        )

    def get_urls(self) -> list[URLPattern]:
        site = self.admin_site  # type: ignore[attr-defined]
        own = [
            path("<path:object_id>/sync-now/", site.admin_view(require_POST(self.sync_now_view)),
                 name="integrations_integration_sync_now"),
            path("<path:object_id>/progress/", site.admin_view(require_GET(self.progress_view)),
                 name="integrations_integration_progress"),
            path("<path:object_id>/recheck-source/", site.admin_view(require_POST(self.recheck_source_view)),
                 name="integrations_integration_recheck_source"),
            path("<path:object_id>/relink/", site.admin_view(require_POST(self.relink_view)),
                 name="integrations_integration_relink"),
            path("<path:object_id>/inbound-vendor-key/", site.admin_view(require_POST(self.inbound_vendor_key_view)),
                 name="integrations_integration_inbound_vendor_key"),
        ]  # fmt: skip
        return own + super().get_urls()  # type: ignore[misc]

    def _changeable(self, request: HttpRequest, object_id: str) -> Integration:
        integration = get_object_or_404(Integration, pk=object_id)
        if not self.has_change_permission(request, integration):  # type: ignore[attr-defined]
            raise PermissionDenied
        return integration

    def _page(self, integration: Integration) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:integrations_integration_change", args=[integration.pk]))

    def progress_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The recent runs' progress as JSON, polled by the page while a run is queued or running."""
        integration = get_object_or_404(Integration, pk=object_id)
        if not self.has_view_permission(request, integration):  # type: ignore[attr-defined]
            raise PermissionDenied
        runs = SyncRun.objects.filter(integration=integration).order_by("-created_at", "-id")[:RECENT_RUNS]
        response = JsonResponse({"runs": [run_progress(run) for run in runs]})
        response["Cache-Control"] = "no-store"
        return response

    def recheck_source_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The same live check as after every full sync: is the source (still) in the ATS?"""
        from apps.integrations.connectors import connector_for
        from apps.integrations.source_step import source_recheck

        integration = self._changeable(request, object_id)
        mapping: Any = source_recheck(integration, connector_for(integration))
        status = mapping.get_status_display() if mapping is not None else "checked"
        error = getattr(mapping, "last_error", "")
        level = messages.SUCCESS if getattr(mapping, "status", "") in ("CONFIGURED", "NOT_REQUIRED") else messages.ERROR
        messages.add_message(request, level, f"Source re-checked live: {status}." + (f" {error}" if error else ""))
        return self._page(integration)

    def relink_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """A reconnection link (magic link) to send to the end user; the integration keeps its id."""
        from apps.core.api.urls import public_base_url
        from apps.integrations.connect_services import connect_link_create_relink

        integration = self._changeable(request, object_id)
        issued = connect_link_create_relink(
            integration=integration, base_url=public_base_url(request), link_type="MAGIC_LINK"
        )
        messages.success(request, format_html(
            'Relink link for {} (send it to the end user; it expires {}): <a id="relink-url" href="{}">{}</a>',
            integration.end_user_organization_name, _when(issued.link.expires_at), issued.url, issued.url,
        ))  # fmt: skip
        return self._page(integration)

    def inbound_vendor_key_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        from apps.integrations.inbound_admin import inbound_vendor_key_save

        integration = self._changeable(request, object_id)
        inbound_vendor_key_save(request, integration)
        return self._page(integration)

    def sync_now_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        from apps.integrations.sync import sync_run_request

        integration = self._changeable(request, object_id)
        try:
            run, already = sync_run_request(integration=integration, type=SyncRun.Type.DELTA,
                                            trigger=SyncRun.Trigger.ADMIN)  # fmt: skip
        except ApiError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("admin:integrations_integration_change", args=[integration.pk]))
        messages.success(request, f"Sync {run.id} {'was already queued' if already else 'started'}.")
        return HttpResponseRedirect(reverse("admin:integrations_syncrun_change", args=[run.id]))
