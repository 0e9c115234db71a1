"""Integration fields (what the ATS exposes per model) and the environment's custom fields mapped onto them."""

from __future__ import annotations

from django.db import models

from apps.core.ids import ID_LENGTH
from apps.core.models import PublicIdField, TimestampedModel

# The read models whose records carry `integration_fields` / `custom_fields` values on the read API.
FIELD_MODELS = ("ats_jobs", "ats_candidates", "ats_applications")
FIELD_MODEL_CHOICES = [(model, model) for model in FIELD_MODELS]


class IntegrationField(TimestampedModel):
    """One field the integration's ATS exposes on one model, as its connector discovered it.

    The id is derived from (integration, model, key) (`apps.core.derived_ids.integration_field_id`), so
    it is the same id the read API gives the field in a record's `integration_fields`, and survives refreshes.
    `path` says where the raw value sits in a record's `remote_data` (see `apps.integrations.field_values`).
    """

    class Type(models.TextChoices):
        DEFAULT = "DEFAULT"
        CUSTOM = "CUSTOM"

    id = models.CharField(primary_key=True, max_length=ID_LENGTH, editable=False)
    integration = models.ForeignKey("integrations.Integration", on_delete=models.CASCADE, related_name="fields")
    model = models.CharField(max_length=40, choices=FIELD_MODEL_CHOICES)
    key = models.CharField(max_length=255)
    type = models.CharField(max_length=10, choices=Type.choices, default=Type.DEFAULT)
    label = models.CharField(max_length=255, null=True, blank=True)
    path = models.JSONField(default=list, blank=True)
    is_passthrough_enabled = models.BooleanField(default=False)
    # False once a refresh no longer finds the field in the ATS: kept (mappings point at it), hidden from the API.
    is_present = models.BooleanField(default=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["integration", "model", "key"]
        constraints = [models.UniqueConstraint(fields=["integration", "model", "key"], name="one_field_per_key")]

    def __str__(self) -> str:
        return f"{self.model}.{self.key}"


class CustomField(TimestampedModel):
    """A key the customer defines once per environment and model (e.g. `ats_candidates.salary_expectation`);
    each integration maps it to one of its integration fields, and its value appears under `custom_fields`."""

    id = PublicIdField()
    environment = models.ForeignKey("integrations.Environment", on_delete=models.CASCADE, related_name="custom_fields")
    model = models.CharField(max_length=40, choices=FIELD_MODEL_CHOICES)
    key = models.SlugField(max_length=100, allow_unicode=False, help_text="The key under `custom_fields`.")
    label = models.CharField(max_length=200, null=True, blank=True)
    description = models.TextField(null=True, blank=True)

    class Meta:
        ordering = ["environment", "model", "key"]
        constraints = [models.UniqueConstraint(fields=["environment", "model", "key"], name="one_custom_field_per_key")]

    def __str__(self) -> str:
        return f"{self.model}.{self.key}"


class CustomFieldMapping(models.Model):
    """Which integration field feeds a custom field in one integration (no row: unmapped)."""

    integration = models.ForeignKey(
        "integrations.Integration", on_delete=models.CASCADE, related_name="custom_field_mappings"
    )
    custom_field = models.ForeignKey(CustomField, on_delete=models.CASCADE, related_name="mappings")
    integration_field = models.ForeignKey(IntegrationField, on_delete=models.CASCADE, related_name="mappings")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["integration", "custom_field"], name="one_mapping_per_custom_field")
        ]

    def __str__(self) -> str:
        return f"{self.custom_field} ← {self.integration_field}"
