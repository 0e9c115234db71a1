from __future__ import annotations

from django.db import models

from apps.core.ids import ID_LENGTH, new_id


class PublicIdField(models.CharField):
    """Primary key holding a 24-character base58 id (see apps.core.ids)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max_length", ID_LENGTH)
        kwargs.setdefault("primary_key", True)
        kwargs.setdefault("default", new_id)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, list[object], dict[str, object]]:
        name, path, args, kwargs = super().deconstruct()
        for key in ("max_length", "primary_key", "default", "editable"):
            kwargs.pop(key, None)
        return name, path, args, kwargs


class TimestampedModel(models.Model):
    """Adds creation and last-modification times."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
