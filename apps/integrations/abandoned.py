"""Integrations from abandoned connection flows: the checks passed (so the flow created the integration, with
setup INCOMPLETE), but no link of it was ever finished. They are hidden from the admin's lists and figures by
default and deleted by housekeeping after `ABANDONED_INTEGRATION_RETENTION_DAYS`.

An integration that finished its flow with the source step skipped is INCOMPLETE too, but not abandoned: the
customer has its id and may send a setup link; it stays.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from apps.core.timeutils import utcnow
from apps.integrations.models import ConnectLink, Integration


def _abandoned_condition() -> Q:
    links = ConnectLink.objects.filter(integration=OuterRef("pk"))
    return Q(
        Exists(links.filter(kind=ConnectLink.Kind.NEW)),
        ~Exists(links.filter(completed_at__isnull=False)),
        setup_status=Integration.SetupStatus.INCOMPLETE,
    )


def abandoned_filter(queryset: QuerySet[Integration], *, abandoned: bool) -> QuerySet[Integration]:
    """Only (`abandoned=True`) or all but (`False`) the integrations of abandoned flows."""
    condition = _abandoned_condition()
    return queryset.filter(condition) if abandoned else queryset.exclude(condition)


def abandoned_integrations_purge(*, now: datetime | None = None) -> int:
    """Delete integrations of flows abandoned longer than the retention ago that no open link can still finish;
    returns how many integrations were deleted."""
    now = now or utcnow()
    cutoff = now - timedelta(days=settings.ABANDONED_INTEGRATION_RETENTION_DAYS)
    still_open = ConnectLink.objects.filter(integration=OuterRef("pk"), completed_at__isnull=True, expires_at__gt=now)
    doomed = abandoned_filter(Integration.objects.filter(created_at__lt=cutoff), abandoned=True).exclude(
        Exists(still_open)
    )
    ids = list(doomed.values_list("id", flat=True))
    if ids:
        Integration.objects.filter(id__in=ids).delete()
    return len(ids)
