"""Inbound ATS webhooks: per integration the receiving endpoint, every delivery received, the records waiting for
a targeted delta, and the freshness per model (see `apps.integrations.inbound_services`).

The endpoint's URL token routes and authenticates the URL (`/webhooks/inbound/<integration id>/<token>`); our
secret (and the vendor's, when it issues the signing key) are stored encrypted like the credentials, bound to the
integration and the field name.
"""

from __future__ import annotations

from django.db import models

from apps.core.models import TimestampedModel


class InboundWebhookEndpoint(TimestampedModel):
    """Where an integration's ATS pushes changes, and what subscribing to them left behind."""

    class State(models.TextChoices):
        PENDING = "PENDING"  # created, not (yet) subscribed or pasted into the ATS
        SUBSCRIBED = "SUBSCRIBED"  # the vendor's registration API accepted the subscription
        MANUAL = "MANUAL"  # the end user pastes URL and secret into the ATS (we cannot tell whether they did)
        FAILED = "FAILED"  # subscribing failed: polling only (an integration issue says so)
        UNSUBSCRIBED = "UNSUBSCRIBED"  # removed on disable; subscribed again on re-enable

    integration = models.OneToOneField(
        "integrations.Integration", on_delete=models.CASCADE, related_name="inbound_webhook", primary_key=True
    )
    token = models.CharField(max_length=64, editable=False, help_text="The URL's random part (routes, not signs).")
    secret_encrypted = models.TextField(editable=False)  # ours: given to the vendor (challenge, callback auth)
    vendor_secret_encrypted = models.TextField(blank=True, editable=False)  # the signing key the vendor issued
    subscription_ids = models.JSONField(default=list, blank=True, editable=False)
    subscription_details = models.JSONField(default=dict, blank=True, editable=False)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    last_error = models.TextField(blank=True)
    subscribed_at = models.DateTimeField(null=True, blank=True)
    last_received_at = models.DateTimeField(null=True, blank=True, help_text="Last accepted delivery.")

    class Meta:
        verbose_name = "inbound webhook endpoint"

    def __str__(self) -> str:
        return f"inbound webhooks of {self.integration_id} ({self.state})"


class InboundDelivery(models.Model):
    """One delivery the ATS made to us, authentic or not; a replayed event id is recorded as DUPLICATE once and
    then processes nothing (the unique constraint holds the first)."""

    class Outcome(models.TextChoices):
        ACCEPTED = "ACCEPTED"
        REJECTED = "REJECTED"
        DUPLICATE = "DUPLICATE"
        HANDSHAKE = "HANDSHAKE"  # answered with the event's reply (subscription handshake, challenge)

    integration = models.ForeignKey("integrations.Integration", on_delete=models.CASCADE, related_name="+")
    received_at = models.DateTimeField()
    event_id = models.CharField(max_length=255, null=True, blank=True)
    event_type = models.CharField(max_length=200, blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reason = models.CharField(max_length=500, blank=True)  # why rejected: logged and shown to staff, never answered
    targets = models.JSONField(default=list, blank=True)  # [{"model": ..., "remote_id": ...}]
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "event_id"],
                condition=models.Q(outcome="ACCEPTED"),
                name="one_accepted_inbound_delivery_per_event",
            )
        ]
        indexes = [models.Index(fields=["integration", "-received_at"], name="inbound_delivery_recent")]

    def __str__(self) -> str:
        return f"{self.event_type or 'delivery'} {self.event_id or ''} ({self.outcome})"


class InboundPendingTarget(models.Model):
    """A record an accepted event named that the targeted delta has not read yet (bursts merge here)."""

    integration = models.ForeignKey("integrations.Integration", on_delete=models.CASCADE, related_name="+")
    model = models.CharField(max_length=40)
    remote_id = models.CharField(max_length=255)
    first_event_at = models.DateTimeField(help_text="When the earliest event naming it was received.")
    delivery = models.ForeignKey(InboundDelivery, null=True, on_delete=models.SET_NULL, related_name="+")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Targeted reads that failed on it so far.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["integration", "model", "remote_id"], name="one_pending_target_per_record")
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.remote_id}"


class InboundTargetedLock(models.Model):
    """One targeted delta per integration at a time: the row exists while one runs (its token, its heartbeat)."""

    integration = models.OneToOneField(
        "integrations.Integration", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    token = models.CharField(max_length=32)
    heartbeat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"targeted delta of {self.integration_id}"


class InboundFreshness(models.Model):
    """Per integration and model: the last event received, the last targeted read, and the last lag measured
    (event received → records stored)."""

    integration = models.ForeignKey("integrations.Integration", on_delete=models.CASCADE, related_name="+")
    model = models.CharField(max_length=40)
    last_event_at = models.DateTimeField(null=True, blank=True)
    last_targeted_sync_at = models.DateTimeField(null=True, blank=True)
    last_lag_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["integration", "model"], name="one_freshness_per_model")]

    def __str__(self) -> str:
        return f"{self.integration_id} {self.model}"
