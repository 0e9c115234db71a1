from __future__ import annotations

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

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["environment", "tool"])]

    def __str__(self) -> str:
        return f"{self.end_user_organization_name} ({self.tool})"


# The connection flow's models (links, activation tokens, OAuth states, failures) live in their own module.
from apps.integrations.connect_models import (  # noqa: E402
    ActivationToken,
    ConnectionFlowFailure,
    ConnectLink,
    OAuthState,
)

__all__ = [
    "ActivationToken",
    "ApiKey",
    "ConnectLink",
    "ConnectionFlowFailure",
    "Environment",
    "Integration",
    "OAuthState",
]
