"""Models of the connection flow: links, activation tokens, OAuth states and recorded failures.

Every secret handed out here (link token, activation token, OAuth `state`) is random, stored only as a SHA-256
hash, expires, and is used up when consumed.
"""

from __future__ import annotations

from django.db import models

from apps.core.models import PublicIdField, TimestampedModel
from apps.core.timeutils import utcnow


class ConnectLink(TimestampedModel):
    """A link an end user opens to connect an ATS (new), reconnect an integration (relink) or redo its setup."""

    class Kind(models.TextChoices):
        NEW = "NEW", "New integration"
        RELINK = "RELINK", "Reconnect"
        SETUP = "SETUP", "Setup step"

    class LinkType(models.TextChoices):
        EMBEDDED = "EMBEDDED"
        MAGIC_LINK = "MAGIC_LINK"

    id = PublicIdField()
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    environment = models.ForeignKey("integrations.Environment", on_delete=models.CASCADE, related_name="connect_links")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NEW)
    link_type = models.CharField(max_length=12, choices=LinkType.choices, default=LinkType.EMBEDDED)
    language = models.CharField(max_length=5, default="en")
    end_user_email = models.CharField(max_length=254, blank=True)
    end_user_organization_name = models.CharField(max_length=200)
    end_user_origin_id = models.CharField(max_length=200, null=True, blank=True)
    integration_category = models.CharField(max_length=12, default="ATS")
    integration_tool = models.CharField(max_length=50, blank=True, help_text="Preset by the customer; empty = choose.")
    remote_environment = models.CharField(max_length=200, blank=True)
    # The integration being reconnected or set up; for NEW links, the one the flow created.
    integration = models.ForeignKey(
        "integrations.Integration", null=True, blank=True, on_delete=models.CASCADE, related_name="connect_links"
    )
    # Progress through the flow.
    tool = models.CharField(max_length=50, blank=True, help_text="The tool chosen in the flow.")
    # The id a NEW link's integration will get, fixed when the tool is known, so the live checks before it exists
    # already address the same state (e.g. the sandbox's per-integration store) and rate-limit key.
    pending_integration_id = models.CharField(max_length=80, blank=True, editable=False)
    auth_kind = models.CharField(max_length=40, blank=True)
    scope_results = models.JSONField(default=list, blank=True, help_text="The last live scope-test run.")
    verified_at = models.DateTimeField(null=True, blank=True, help_text="When credentials and scope tests passed.")
    # The credentials under test while the checks run one request at a time (encrypted; cleared when they pass
    # or fail for a reason other than a network failure, which keeps them for "Try again").
    pending_credentials = models.TextField(blank=True, editable=False)
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} link for {self.end_user_organization_name}"

    @property
    def is_expired(self) -> bool:
        return utcnow() >= self.expires_at

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None

    @property
    def selected_tool(self) -> str:
        return self.tool or self.integration_tool or (self.integration.tool if self.integration_id else "")


class ActivationToken(TimestampedModel):
    """Handed to the customer's front end when a flow completes; exchanged once for the integration id."""

    id = PublicIdField()
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    environment = models.ForeignKey("integrations.Environment", on_delete=models.CASCADE, related_name="+")
    link = models.OneToOneField(ConnectLink, on_delete=models.CASCADE, related_name="activation_token")
    integration = models.ForeignKey("integrations.Integration", on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Activation token for {self.integration_id}"


class OAuthState(TimestampedModel):
    """The `state` of one OAuth authorization-code round trip: ties the callback to its link, used once."""

    id = PublicIdField()
    state_hash = models.CharField(max_length=64, unique=True, editable=False)
    link = models.ForeignKey(ConnectLink, on_delete=models.CASCADE, related_name="oauth_states")
    tool = models.CharField(max_length=50)
    redirect_uri = models.CharField(max_length=500)
    # The link token, encrypted (apps.core.crypto), so the callback can continue the flow on the link's pages.
    link_token_encrypted = models.TextField(editable=False)
    popup = models.BooleanField(default=False, help_text="Started from an embedded flow in a popup window.")
    # Started from a page with script: after the code exchange the checks page runs the checks one by one.
    progressive = models.BooleanField(default=False)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"OAuth state for {self.tool}"


class ConnectionFlowFailure(models.Model):
    """Something that stopped an end user in the connection flow (a connection-flow failure)."""

    class Step(models.TextChoices):
        LINK = "LINK", "Opening the link"
        CREDENTIALS = "CREDENTIALS", "Credentials"
        OAUTH = "OAUTH", "OAuth authorization"
        SCOPE_TESTS = "SCOPE_TESTS", "Permission checks"
        SOURCE = "SOURCE", "Source setup"

    id = PublicIdField()
    environment = models.ForeignKey("integrations.Environment", on_delete=models.CASCADE, related_name="+")
    link = models.ForeignKey(ConnectLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="failures")
    integration = models.ForeignKey(
        "integrations.Integration", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tool = models.CharField(max_length=50, blank=True)
    step = models.CharField(max_length=20, choices=Step.choices)
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.reason[:60]}"
