from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models

from apps.connectors.catalog import AuthKind
from apps.core.ids import ID_LENGTH, new_id
from apps.core.models import PublicIdField, TimestampedModel


class Environment(TimestampedModel):
    """A customer's environment (e.g. production, staging): owns API keys and integrations."""

    id = PublicIdField()
    name = models.SlugField(max_length=100, unique=True, help_text="Internal name, e.g. `acme-production`.")
    display_name = models.CharField(max_length=200, help_text="Shown to end users, e.g. `Acme Jobs`.")
    scope_config_id = models.CharField(max_length=ID_LENGTH, default=new_id, unique=True, editable=False)
    # Automatic attribution (apps.attribution): every candidate created through Tributary carries this source.
    automatic_source_writing = models.BooleanField(
        default=True, help_text="Write the source below on every application and candidate created through the API."
    )
    source_name = models.CharField(
        max_length=200, blank=True, help_text="The source name written to the ATS. Empty: the display name."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def effective_source_name(self) -> str:
        return self.source_name.strip() or self.display_name


class ApiKey(TimestampedModel):
    """A key for the /v1 API. Only a SHA-256 hash is stored; the key itself is shown once at creation."""

    id = PublicIdField()
    environment = models.ForeignKey(Environment, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, help_text="The first characters of the key, to recognise it.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Integration(TimestampedModel):
    """One end user's connection to one ATS, with its credentials encrypted at rest."""

    class State(models.TextChoices):
        ACTIVE = "ACTIVE"
        INVALID = "INVALID"
        INACTIVE = "INACTIVE"

    class SetupStatus(models.TextChoices):
        INCOMPLETE = "INCOMPLETE"
        FINAL_SYNC_PENDING = "FINAL_SYNC_PENDING"
        COMPLETED = "COMPLETED"

    id = models.CharField(primary_key=True, max_length=80, editable=False)
    environment = models.ForeignKey(Environment, on_delete=models.CASCADE, related_name="integrations")
    tool = models.CharField(max_length=50)
    auth_kind = models.CharField(max_length=40, choices=[(kind.value, kind.value) for kind in AuthKind])
    end_user_organization_name = models.CharField(max_length=200)
    end_user_email = models.EmailField(null=True, blank=True)
    end_user_origin_id = models.CharField(max_length=200, null=True, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.ACTIVE)
    setup_status = models.CharField(max_length=20, choices=SetupStatus.choices, default=SetupStatus.INCOMPLETE)
    enabled = models.BooleanField(default=True)
    base_url = models.URLField(blank=True, help_text="Overrides the connector's base URL (emulators, demos).")
    # {field name: AES-GCM token}; see apps.core.crypto. Never rendered anywhere.
    credentials = models.JSONField(default=dict, blank=True, editable=False)
    credentials_key_id = models.CharField(max_length=40, blank=True, editable=False)
    last_error = models.TextField(blank=True)
    # What the read API adds to records, per model: passthrough-enabled fields and mapped custom fields (see
    # apps.integrations.field_services.exposure_rebuild). Kept here so reading it costs no query.
    field_exposure = models.JSONField(default=dict, blank=True, editable=False)
    # The vendor's incremental-sync token per read model (`Connector.sync_token`), e.g. Ashby's `syncToken`.
    sync_tokens = models.JSONField(default=dict, blank=True, editable=False)
    # Sync settings. By default only candidates/applications created or imported through us are synced.
    sync_all_records = models.BooleanField(
        default=False, help_text="Sync every candidate and application of the ATS, not only tracked ones."
    )
    delta_sync_minutes = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)],
        help_text="Minutes between delta syncs (empty: the default, 5).",
    )  # fmt: skip
    full_sync_minutes = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)],
        help_text="Minutes between full syncs (empty: the default, 360).",
    )  # fmt: skip

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["environment", "tool"])]

    def __str__(self) -> str:
        return f"{self.end_user_organization_name} ({self.tool})"


# -- sync ---------------------------------------------------------------------------------------------


class SyncRun(TimestampedModel):
    """One sync of one integration: what was asked, how far it got, what it counted, how it ended.

    Per integration at most one run is RUNNING and at most one is QUEUED (partial unique constraints): a
    request while a run waits finds that run; a request while one runs queues the next. A worker claims a run
    by a conditional update that sets a fresh `claim_token` (QUEUED → RUNNING, refused by the database while
    another run of the integration is RUNNING); every checkpoint is written only while that token still
    matches, so a run taken over after a crash cannot be advanced by the worker that lost it.
    """

    class Type(models.TextChoices):
        FULL = "FULL"
        DELTA = "DELTA"
        # Only the records inbound ATS webhooks named (apps.integrations.inbound_targeted); never a delta's base.
        TARGETED = "TARGETED"

    class Trigger(models.TextChoices):
        SCHEDULE = "SCHEDULE"
        API = "API"
        ADMIN = "ADMIN"
        COMMAND = "COMMAND"
        SETUP = "SETUP"
        WEBHOOK = "WEBHOOK"

    class Status(models.TextChoices):
        QUEUED = "QUEUED"
        RUNNING = "RUNNING"
        SUCCEEDED = "SUCCEEDED"
        FAILED = "FAILED"
        CANCELED = "CANCELED"

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)

    id = PublicIdField()
    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="sync_runs")
    type = models.CharField(max_length=10, choices=Type.choices)
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    sync_all = models.BooleanField(default=False, help_text="All candidates and applications, not only tracked ones.")
    updated_since = models.DateTimeField(null=True, blank=True, help_text="Lower bound of a delta run.")
    watermark = models.DateTimeField(null=True, blank=True, help_text="Reading began here: the next delta's bound.")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    not_before = models.DateTimeField(null=True, blank=True, help_text="Do not resume before (after a 429).")
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    attempts = models.PositiveIntegerField(default=0, help_text="How many times a worker claimed the run.")
    retries = models.PositiveIntegerField(default=0, help_text="Retryable ATS failures in a row (429, 5xx).")
    models_total = models.PositiveIntegerField(default=0)
    models_done = models.PositiveIntegerField(default=0)
    current_model = models.CharField(max_length=40, blank=True)
    fetched = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0, help_text="Read but not kept: their parent is not synced.")
    deleted = models.PositiveIntegerField(default=0)
    upstream_calls = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["integration"], condition=models.Q(status="QUEUED"), name="one_queued_sync_run_per_integration"
            ),
            models.UniqueConstraint(
                fields=["integration"],
                condition=models.Q(status="RUNNING"),
                name="one_running_sync_run_per_integration",
            ),
        ]
        indexes = [
            models.Index(fields=["integration", "-created_at"], name="syncrun_integration_recent"),
            models.Index(fields=["status", "heartbeat_at"], name="syncrun_status_heartbeat"),
        ]

    def __str__(self) -> str:
        return f"{self.type} sync {self.id} of {self.integration_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.models_total:
            return 0
        return int(100 * self.models_done / self.models_total)


class SyncRunModel(models.Model):
    """The checkpoint of one read model within a run: where reading stands (`cursor`) and what it counted.

    Written in the same transaction as the records of each page, so a resumed run continues after the last
    committed page: nothing is read twice into the counters and nothing is skipped.
    """

    class Status(models.TextChoices):
        PENDING = "PENDING"
        RUNNING = "RUNNING"
        DONE = "DONE"
        SKIPPED = "SKIPPED"

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="model_checkpoints")
    model = models.CharField(max_length=40)
    position = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Engine state as JSON text (the connector's opaque cursor plus our own position); empty = from the start.
    cursor = models.TextField(blank=True)
    pages = models.PositiveIntegerField(default=0)
    fetched = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    deleted = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "position"]
        constraints = [models.UniqueConstraint(fields=["run", "model"], name="one_checkpoint_per_run_model")]

    def __str__(self) -> str:
        return f"{self.model} ({self.status})"


class SyncSeenRecord(models.Model):
    """Remote ids a FULL run has seen, per model: what is not here at the end of the model has vanished.

    Written with COPY and not unique on purpose: a remote id seen twice (offset pagination shifting under us)
    changes nothing for the "not seen" question, and a unique index would cost every insert.
    """

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="+", db_index=False)
    model = models.CharField(max_length=40)
    remote_id = models.CharField(max_length=255)

    class Meta:
        indexes = [models.Index(fields=["run", "model", "remote_id"], name="syncseen_run_model_remote")]

    def __str__(self) -> str:
        return f"{self.model} {self.remote_id}"


# -- the shared rate limiter (see apps.integrations.ratelimit) ------------------------------------------


class RateLimitState(models.Model):
    """Per integration: the next free start time for a request and how long the ATS asked us to hold off."""

    key = models.CharField(primary_key=True, max_length=120)
    next_start = models.FloatField(default=0.0)  # epoch seconds on the database clock
    blocked_until = models.FloatField(default=0.0)

    def __str__(self) -> str:
        return self.key


class RateLimitLease(models.Model):
    """One request in flight (a concurrency slot). Expires by itself if its process dies."""

    key = models.CharField(max_length=120)
    lane = models.CharField(max_length=120, blank=True)
    expires_at = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["key", "lane"], name="ratelimitlease_key_lane")]

    def __str__(self) -> str:
        return f"{self.key} {self.lane}".strip()


# The connection flow's models (links, activation tokens, OAuth states, failures) live in their own module.
from apps.integrations.connect_models import (  # noqa: E402, F401
    ActivationToken,
    ConnectionFlowFailure,
    ConnectLink,
    OAuthState,
)
from apps.integrations.field_models import CustomField, CustomFieldMapping, IntegrationField  # noqa: E402, F401

# Inbound ATS webhooks (endpoint, deliveries, pending targets, freshness) live in their own module.
from apps.integrations.inbound_models import (  # noqa: E402, F401
    InboundDelivery,
    InboundFreshness,
    InboundPendingTarget,
    InboundTargetedLock,
    InboundWebhookEndpoint,
)
from apps.integrations.issue_models import IntegrationIssue, IssueTransition, IssueType  # noqa: E402, F401

# The request log (outbound ATS calls) lives in its own module.
from apps.integrations.request_log_models import OutboundRequest  # noqa: E402, F401

# Outgoing webhooks (endpoints, the outbox, deliveries, attempts) live in their own module.
from apps.integrations.webhook_models import (  # noqa: E402, F401
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookIntegrationState,
)
