"""The admin as a product: Tributary's name on it and a home page that answers "is everything all right?".

Each figure is one aggregate query, so the page costs the same number of queries for 1 or 1,000 integrations.
Apps above this one (attribution) add their figures through `dashboard_panel_register` at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib import admin
from django.db import connection
from django.db.models import Case, Count, DurationField, ExpressionWrapper, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from apps.core.timeutils import utcnow
from apps.integrations.abandoned import abandoned_filter
from apps.integrations.models import Integration, IntegrationIssue, SyncRun, WebhookDelivery

DEFAULT_DELTA_MINUTES = 5  # the sync engine's default delta interval (Integration.delta_sync_minutes)


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    url: str
    alert: bool = False


Panel = Callable[[], list[Figure]]
_PANELS: dict[str, Panel] = {}


def dashboard_panel_register(name: str, panel: Panel) -> None:
    """Add figures to the admin home (an app's `ready()`); registering a name again replaces it."""
    _PANELS[name] = panel


def _changelist(model: str, query: str = "") -> str:
    return reverse(f"admin:integrations_{model}_changelist") + (f"?{query}" if query else "")


def integration_figures() -> list[Figure]:
    abandoned_condition = abandoned_filter(Integration.objects.all(), abandoned=True).values("pk")
    counts = {
        row["bucket"]: row["n"]
        for row in Integration.objects.annotate(
            # abandoned flows (apps.integrations.abandoned) are counted apart; other incomplete setups count as
            # "incomplete", whatever their state
            bucket=Case(
                When(pk__in=abandoned_condition, then=Value("ABANDONED")),
                When(setup_status=Integration.SetupStatus.INCOMPLETE, then=Value("INCOMPLETE")),
                default=F("state"),
            )
        )
        .values("bucket")
        .annotate(n=Count("id"))
    }
    buckets = [("ACTIVE", "Active"), ("INVALID", "Invalid"), ("INACTIVE", "Inactive"), ("INCOMPLETE", "Incomplete")]
    figures = []
    for key, label in buckets:
        query = "setup_status__exact=INCOMPLETE" if key == "INCOMPLETE" else f"state__exact={key}"
        figures.append(
            Figure(
                f"Integrations {label.lower()}",
                str(counts.get(key, 0)),
                _changelist("integration", query),
                alert=key == "INVALID" and counts.get(key, 0) > 0,
            )  # fmt: skip
        )
    figures.append(
        Figure(
            "Abandoned connection flows", str(counts.get("ABANDONED", 0)), _changelist("integration", "flow=abandoned")
        )
    )
    return figures


def operation_figures() -> list[Figure]:
    now = utcnow()
    issues = IntegrationIssue.objects.filter(status=IntegrationIssue.Status.OPEN).aggregate(
        of_integrations=Count("id", filter=Q(integration__isnull=False)),
        of_environments=Count("id", filter=Q(integration__isnull=True)),
    )
    open_issues, environment_issues = issues["of_integrations"], issues["of_environments"]
    latest_finished = (
        SyncRun.objects.filter(integration=OuterRef("pk"), finished_at__isnull=False)
        .order_by("-finished_at", "-id")
        .values("status")[:1]
    )
    last_success = (
        SyncRun.objects.filter(integration=OuterRef("pk"), status=SyncRun.Status.SUCCEEDED)
        .order_by("-finished_at", "-id")
        .values("finished_at")[:1]
    )
    minutes = Coalesce(F("delta_sync_minutes"), Value(DEFAULT_DELTA_MINUTES))
    # Twice the delta interval. SQLite cannot multiply a duration (Django refuses `*` there) but keeps durations
    # as integer microseconds, so the product is taken in those; PostgreSQL multiplies the interval.
    twice = Value(timedelta(minutes=2)) if connection.vendor == "postgresql" else Value(2 * 60 * 1_000_000)
    interval = ExpressionWrapper(minutes * twice, output_field=DurationField())
    syncs = (
        Integration.objects.filter(state=Integration.State.ACTIVE, enabled=True)
        .exclude(setup_status=Integration.SetupStatus.INCOMPLETE)
        .annotate(latest=Subquery(latest_finished), last_success=Subquery(last_success), due=interval)
        .aggregate(
            failing=Count("id", filter=Q(latest=SyncRun.Status.FAILED)),
            overdue=Count("id", filter=Q(last_success__isnull=True) | Q(last_success__lt=now - F("due"))),
        )
    )
    failing_deliveries = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.FAILED).count()
    return [
        Figure(
            "Open integration issues",
            str(open_issues),
            _changelist("integrationissue", "status__exact=OPEN&of=integration"),
            alert=open_issues > 0,
        ),  # fmt: skip
        Figure(
            "Open environment issues (e.g. a webhook endpoint disabled)",
            str(environment_issues),
            _changelist("integrationissue", "status__exact=OPEN&of=environment"),
            alert=environment_issues > 0,
        ),  # fmt: skip
        Figure(
            "Integrations whose last sync failed",
            str(syncs["failing"]),
            _changelist("syncrun", "status__exact=FAILED"),
            alert=syncs["failing"] > 0,
        ),  # fmt: skip
        Figure(
            "Integrations with a sync overdue",
            str(syncs["overdue"]),
            _changelist("syncrun"),
            alert=syncs["overdue"] > 0,
        ),  # fmt: skip
        Figure(
            "Webhook deliveries failed",
            str(failing_deliveries),
            reverse("admin:integrations_webhookdelivery_changelist") + "?status__exact=FAILED",
            alert=failing_deliveries > 0,
        ),  # fmt: skip
        Figure("Outbound calls failed (request log)", "→", _changelist("outboundrequest", "status_class=failed")),
    ]


def dashboard_figures() -> list[Figure]:
    figures = integration_figures() + operation_figures()
    for panel in _PANELS.values():
        figures.extend(panel())
    return figures


SYNCED_DATA_APPS = ("applications",)  # the unified ATS data, listed last as "Synced data"


def install(site: admin.AdminSite) -> None:
    """Brand `site`, give its home the dashboard, and move the synced ATS data below the operational sections."""
    site.site_header = "Tributary"
    site.site_title = "Tributary admin"
    site.index_title = "Is everything all right?"
    original_index = site.index
    original_app_list = site.get_app_list

    def index(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return original_index(request, extra_context={**(extra_context or {}), "dashboard": dashboard_figures()})

    def get_app_list(request: HttpRequest, app_label: str | None = None) -> list[dict[str, Any]]:
        apps = original_app_list(request, app_label)
        operational = [app for app in apps if app["app_label"] not in SYNCED_DATA_APPS]
        synced = [{**app, "name": "Synced data"} for app in apps if app["app_label"] in SYNCED_DATA_APPS]
        return operational + synced

    site.index = index  # type: ignore[method-assign]
    site.get_app_list = get_app_list  # type: ignore[method-assign]
