"""The request log: one row per request Tributary sent to an ATS (each attempt, each redirect hop)."""

from __future__ import annotations

from django.db import models

from apps.core.ids import ID_LENGTH


class OutboundRequest(models.Model):
    """What we sent to an ATS and what came back, already scrubbed of secrets (see `apps.connectors.http`)."""

    at = models.DateTimeField(db_index=True, help_text="When the request was sent.")
    integration = models.ForeignKey(
        "integrations.Integration", null=True, blank=True, on_delete=models.CASCADE, related_name="outbound_requests"
    )
    integration_key = models.CharField(max_length=100, blank=True, help_text="The client's rate key (integration id).")
    sync_run = models.ForeignKey(
        "integrations.SyncRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="outbound_requests"
    )
    request_id = models.CharField(
        max_length=ID_LENGTH + 8, blank=True, db_index=True, help_text="Our API or page request that sent it."
    )
    method = models.CharField(max_length=10)
    path = models.TextField(help_text="Path and query; secret values redacted.")
    status = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty: no answer.")
    duration_ms = models.PositiveIntegerField()
    attempt = models.PositiveSmallIntegerField(default=1)
    rate_limit_wait_ms = models.PositiveIntegerField(default=0)
    body_excerpt = models.TextField(blank=True, help_text="First 4 KB of a non-2xx answer; secrets redacted.")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ("-at", "-id")
        indexes = [models.Index(fields=["integration", "-at"], name="outboundrequest_integ_at")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status or 'no answer'}"
