"""Read-only admin for the synced ATS data: lists and detail pages, searchable by id and remote id.

The data belongs to the ATS; it changes through syncs and the API, never by hand here.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from apps.applications.models import (
    Application,
    ApplicationStage,
    AtsUser,
    Attachment,
    Candidate,
    IdempotencyKey,
    Interview,
    Job,
    Note,
    Offer,
    RejectionReason,
    Role,
    Scorecard,
    Tag,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    list_display: tuple[str, ...] = ("id", "remote_id", "integration", "changed_at", "remote_deleted_at")
    list_filter: tuple[str, ...] = ("integration__tool",)
    list_select_related = ("integration",)
    search_fields = ("=id", "=remote_id")
    show_full_result_count = False  # counting 100k+ rows on every page load is not worth it

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("id", "remote_id", "integration", "outcome", "tracked_at", "changed_at", "remote_deleted_at")
    list_filter = ("integration__tool", "outcome", "tracked_via")
    list_select_related = ("integration",)


@admin.register(Candidate)
class CandidateAdmin(ReadOnlyAdmin):
    list_display = ("id", "remote_id", "first_name", "last_name", "integration", "tracked_at", "changed_at")
    list_filter = ("integration__tool", "tracked_via")


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ("id", "remote_id", "name", "status", "integration", "changed_at", "remote_deleted_at")


for model in (ApplicationStage, Attachment, AtsUser, Interview, Note, Offer, RejectionReason, Role, Scorecard, Tag):
    admin.site.register(model, ReadOnlyAdmin)


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyAdmin):
    """Write requests sent with an Idempotency-Key: which are still in progress or UNCERTAIN, and what they
    answered. Read-only: releasing a key by hand could let a retry write twice."""

    list_display = ("key", "integration", "status", "response_status", "created_at", "claimed_at")
    list_filter = ("status", "integration__tool")
    search_fields = ("=key", "=integration__id")
    exclude = ("claim_token",)
