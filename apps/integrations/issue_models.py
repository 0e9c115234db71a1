"""Integration issues: what is wrong with a connection, since when, and how to fix it; every transition a row."""

from __future__ import annotations

from django.db import models

from apps.core.models import PublicIdField, TimestampedModel


class IssueType(models.TextChoices):
    AUTHENTICATION_FAILED = "integration.authentication_failed", "Credentials rejected"
    PERMISSION_MISSING = "integration.permission_missing", "Permission missing"
    SOURCE_MISSING = "integration.source_missing", "Configured source gone or of the wrong type"
    ATS_UNREACHABLE = "integration.ats_unreachable", "ATS unreachable"
    ATS_RATE_LIMITED = "integration.ats_rate_limited", "ATS rate-limiting"
    SYNCS_FAILING = "integration.syncs_failing", "Syncs failing repeatedly"
    WEBHOOKS_UNAVAILABLE = "integration.webhooks_unavailable", "ATS webhooks could not be set up"
    # Of the environment (no integration): one row per disabled endpoint (`subject` = the endpoint's id).
    WEBHOOK_ENDPOINT_DISABLED = "environment.webhook_endpoint_disabled", "Webhook endpoint disabled"


class IntegrationIssue(TimestampedModel):
    """One row per (integration, issue type), or for an issue of the environment (`integration` null) one per
    (environment, type, subject). OPEN while the cause is observed, RESOLVED once it went away.

    A cause that only counts after a while (unreachable, rate-limited) is first only noted in `pending_since`;
    the issue opens when it lasted `ISSUE_OUTAGE_MINUTES`, with `first_observed_at` = that first sighting.
    Raised again after being resolved, the same row reopens with a new `first_observed_at`.
    """

    class Status(models.TextChoices):
        OPEN = "OPEN"
        RESOLVED = "RESOLVED"

    id = PublicIdField()
    environment = models.ForeignKey("integrations.Environment", on_delete=models.CASCADE, related_name="issues")
    integration = models.ForeignKey(
        "integrations.Integration", on_delete=models.CASCADE, related_name="issues", null=True, blank=True,
        help_text="Null: an issue of the environment (e.g. a disabled webhook endpoint).",
    )  # fmt: skip
    subject = models.CharField(max_length=40, blank=True, help_text="What an environment issue is about (an id).")
    type = models.CharField(max_length=60, choices=IssueType.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RESOLVED)
    title = models.CharField(max_length=200, blank=True)
    markdown_message = models.TextField(blank=True)
    first_observed_at = models.DateTimeField(null=True, blank=True, help_text="Null: never raised yet.")
    last_observed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    pending_since = models.DateTimeField(null=True, blank=True, help_text="Seen, but not yet long enough.")

    class Meta:
        ordering = ["-first_observed_at"]
        constraints = [
            models.UniqueConstraint(fields=["integration", "type"], name="one_issue_per_type"),
            models.UniqueConstraint(
                fields=["environment", "type", "subject"],
                condition=models.Q(integration__isnull=True),
                name="one_environment_issue_per_type_and_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} ({self.status})"


class IssueTransition(models.Model):
    """An issue was raised or resolved: written once, in the transaction of the change (what webhooks announce).

    `payload` is the contract's `issue-status-changed` `data.issue` object as it was at that moment.
    """

    class Change(models.TextChoices):
        RAISED = "raised"
        RESOLVED = "resolved"

    id = PublicIdField()
    issue = models.ForeignKey(IntegrationIssue, on_delete=models.CASCADE, related_name="transitions")
    change = models.CharField(max_length=10, choices=Change.choices)
    at = models.DateTimeField()
    payload = models.JSONField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.issue.type} {self.change}"
