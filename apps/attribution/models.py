"""Automatic attribution: the source each integration writes, and what happened on every created application."""

from __future__ import annotations

from django.db import models

from apps.connectors.catalog import SourceStrategy
from apps.core.models import PublicIdField, TimestampedModel


class SourceMapping(TimestampedModel):
    """The source an integration writes on every create: set by the flow's source step, editable by admin staff.

    `source_name` is the name it was set up for (the environment's source name at the time); the `remote_*`
    fields are what it resolved to in the ATS (MUST_EXIST / CREATABLE tools).
    """

    class Status(models.TextChoices):
        NOT_REQUIRED = "NOT_REQUIRED", "Not required"  # free text, or the ATS takes no source at all
        PENDING_SETUP = "PENDING_SETUP", "Pending setup"
        CONFIGURED = "CONFIGURED", "Configured"
        BROKEN = "BROKEN", "Broken"  # it was configured, but the source is gone from the ATS

    id = PublicIdField()
    integration = models.OneToOneField(
        "integrations.Integration", on_delete=models.CASCADE, related_name="source_mapping"
    )
    strategy = models.CharField(max_length=20, choices=[(s.value, s.value) for s in SourceStrategy])
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING_SETUP)
    source_name = models.CharField(max_length=200, blank=True)
    remote_id = models.CharField(max_length=200, blank=True)
    remote_type = models.CharField(max_length=200, blank=True)
    remote_subtype = models.CharField(max_length=200, blank=True)
    remote_label = models.CharField(max_length=200, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.integration_id}: {self.get_status_display()}"


class ApplicationAttribution(models.Model):
    """The attribution outcome of one application (or candidate) created through Tributary.

    Recorded after the write, from the source read back from the ATS. Feeds the coverage figures.
    """

    class Status(models.TextChoices):
        CONFIRMED = "CONFIRMED", "Confirmed"
        FAILED = "FAILED", "Failed"
        NOT_CONFIGURED = "NOT_CONFIGURED", "Not configured"

    id = PublicIdField()
    integration = models.ForeignKey(
        "integrations.Integration", on_delete=models.CASCADE, related_name="application_attributions"
    )
    # The unified application row, once the write path has stored it (null while only the remote id is known).
    application = models.OneToOneField(
        "applications.Application", null=True, blank=True, on_delete=models.SET_NULL, related_name="attribution"
    )
    application_remote_id = models.CharField(max_length=300)
    candidate_remote_id = models.CharField(max_length=300, blank=True)
    candidate_existed = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices)
    reason = models.TextField(blank=True)
    expected_source = models.CharField(max_length=200, blank=True)
    observed_source = models.CharField(max_length=200, blank=True)
    observed_source_remote_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "application_remote_id"], name="attribution_unique_application"
            )
        ]
        indexes = [models.Index(fields=["integration", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.application_remote_id}: {self.get_status_display()}"
