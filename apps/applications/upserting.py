"""The machinery of the record upserts (`apps.applications.services`): content hashing, value helpers, the generic
bulk upsert keyed by remote id, child/join-row syncing and soft deletes. The rules it keeps are stated in
`apps.applications.services`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection, models
from django.db.models import QuerySet

from apps.applications.models import (
    Application,
    ApplicationStage,
    AtsUser,
    Attachment,
    Candidate,
    Interview,
    Job,
    Note,
    Offer,
    RejectionReason,
    Role,
    Scorecard,
    Tag,
)
from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import (
    IntegrationField,
    Location,
    RoleAssignment,
    ScreeningAnswer,
)
from apps.core.bulk import JsonText, bulk_insert, bulk_update
from apps.core.db import reused_cursor
from apps.core.ids import new_id
from apps.core.timeutils import format_datetime
from apps.integrations.models import Integration

Json = dict[str, Any]
_HALF = 32  # hex characters per half of content_hash

# The Django model that holds each read model.
RECORD_MODELS: dict[ReadModel, type[models.Model]] = {
    ReadModel.USERS: AtsUser,
    ReadModel.ROLES: Role,
    ReadModel.TAGS: Tag,
    ReadModel.REJECTION_REASONS: RejectionReason,
    ReadModel.APPLICATION_STAGES: ApplicationStage,
    ReadModel.JOBS: Job,
    ReadModel.CANDIDATES: Candidate,
    ReadModel.APPLICATIONS: Application,
    ReadModel.OFFERS: Offer,
    ReadModel.INTERVIEWS: Interview,
    ReadModel.NOTES: Note,
    ReadModel.SCORECARDS: Scorecard,
    ReadModel.ATTACHMENTS: Attachment,
}


@dataclass
class UpsertResult:
    """What one upsert did with the records it was given."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # refers to a parent we do not hold (not tracked, not synced)

    def __iadd__(self, other: UpsertResult) -> UpsertResult:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.skipped += other.skipped
        return self


# -- hashing and value helpers ---------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    return str(value)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=_json_default)


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=_HALF // 2).hexdigest()


def content_hash(values: Json, remote_data: Any) -> str:
    """`<hash of the unified values><hash of the raw payload>`; only the first half decides `changed_at`."""
    return _digest(_canonical(values)) + _digest(_canonical(remote_data))


def _location(value: Location | None) -> Json | None:
    if value is None:
        return None
    return {
        "city": value.city,
        "country": value.country,
        "raw": value.raw,
        "state": value.state,
        "street_1": value.street_1,
        "street_2": value.street_2,
        "zip_code": value.zip_code,
    }


def _integration_fields(fields: Sequence[IntegrationField]) -> list[Json]:
    return [{"key": f.key, "type": f.type, "value": f.value, "label": f.label} for f in fields]


def _answer_value(answer: ScreeningAnswer) -> Any:
    if isinstance(answer.value, datetime):
        return format_datetime(answer.value)
    if isinstance(answer.value, tuple):
        return list(answer.value)
    return answer.value


_ANSWER_KEYS = {
    "TEXT": "content",
    "SINGLE_SELECT": "choice",
    "MULTI_SELECT": "choices",
    "BOOLEAN": "checked",
    "NUMBER": "number",
    "DATE": "date",
    "UNKNOWN": "raw",
}


def _screening_answers(answers: Sequence[ScreeningAnswer]) -> list[Json]:
    """The contract's answer shape; FILE answers have no variant in the contract and are left out."""
    return [
        {
            "question": {"remote_id": answer.question_remote_id, "title": answer.question_title, "type": answer.type},
            "answer": {_ANSWER_KEYS[answer.type]: _answer_value(answer)},
        }
        for answer in answers
        if answer.type in _ANSWER_KEYS
    ]


def _role_entry(role: RoleAssignment) -> Json:
    return {"remote_id": role.remote_id, "remote_label": role.remote_label, "unified_type": role.unified_type}


# -- generic machinery -----------------------------------------------------------------------------


@dataclass
class _Row:
    key: tuple[Any, ...]
    values: Json  # every column to write except id, integration, changed_at, remote_deleted_at, hashes
    raw: Any


def _upsert(
    model: type[models.Model],
    *,
    integration: Integration,
    existing: Iterable[tuple[Any, ...]],
    rows: Iterable[_Row],
    now: datetime,
    result: UpsertResult,
    on_insert: Json | None = None,
) -> dict[tuple[Any, ...], str]:
    """Insert new rows, update changed ones, revive vanished ones. Returns key → our id for every row given.

    `existing` holds `(*key, id, content_hash, remote_deleted_at)` of the rows already stored for these keys.
    `on_insert`: more columns for the rows inserted (not for updated ones), e.g. a write's tracking flags.
    """
    unique: dict[tuple[Any, ...], _Row] = {}
    for row in rows:
        unique[row.key] = row  # a record twice in one page: the last one wins
    found = {tuple(entry[:-3]): entry[-3:] for entry in existing}
    creates: list[Json] = []
    full_updates: list[Json] = []
    raw_updates: list[Json] = []
    update_fields: set[str] = set()
    ids: dict[tuple[Any, ...], str] = {}
    for key, row in unique.items():
        raw_json = JsonText(_canonical(row.raw)) if row.raw is not None else None
        new_hash = _digest(_canonical(row.values)) + _digest(raw_json or "null")
        current = found.get(key)
        if current is None:
            pk = new_id()
            creates.append(
                {
                    "id": pk,
                    "integration_id": integration.id,
                    "changed_at": now,
                    "content_hash": new_hash,
                    "remote_data": raw_json,
                    **row.values,
                    **(on_insert or {}),
                }
            )
            result.created += 1
        else:
            pk, old_hash, deleted_at = current
            if deleted_at is not None or old_hash[:_HALF] != new_hash[:_HALF]:
                full_updates.append(
                    {
                        "id": pk,
                        "changed_at": now,
                        "remote_deleted_at": None,
                        "content_hash": new_hash,
                        "remote_data": raw_json,
                        **row.values,
                    }
                )
                update_fields.update(row.values)
                result.updated += 1
            elif old_hash != new_hash:
                raw_updates.append({"id": pk, "content_hash": new_hash, "remote_data": raw_json})
                result.unchanged += 1
            else:
                result.unchanged += 1
        ids[key] = pk
    bulk_insert(model, creates)
    bulk_update(
        model, full_updates, sorted(update_fields | {"changed_at", "remote_deleted_at", "content_hash", "remote_data"})
    )
    bulk_update(model, raw_updates, ["content_hash", "remote_data"])
    return ids


def _soft_delete(queryset: QuerySet[Any], now: datetime) -> int:
    return queryset.filter(remote_deleted_at__isnull=True).update(remote_deleted_at=now, changed_at=now)


def _by_remote_id(
    model: type[models.Model], integration: Integration, remote_ids: Iterable[str | None], columns: Sequence[str]
) -> list[tuple[Any, ...]]:
    """`(remote_id, *columns)` of the integration's rows with these remote ids.

    On PostgreSQL one index probe per id (a LATERAL join): with `remote_id = ANY(...)` the planner trusts
    statistics taken before a big first sync ("this integration has no rows") and filters every row of the
    integration instead, which makes a first sync quadratic.
    """
    wanted = sorted({remote_id for remote_id in remote_ids if remote_id})
    if not wanted:
        return []
    if connection.vendor != "postgresql":
        return list(
            model.objects.filter(integration=integration, remote_id__in=wanted).values_list("remote_id", *columns)  # type: ignore[attr-defined]
        )
    quote = connection.ops.quote_name
    selected = ", ".join(quote(model._meta.get_field(column).column) for column in columns)
    sql = (
        f"SELECT w.remote_id, t.* FROM unnest(%s::text[]) AS w(remote_id) CROSS JOIN LATERAL "
        f"(SELECT {selected} FROM {quote(model._meta.db_table)} WHERE integration_id = %s "
        "AND remote_id = w.remote_id LIMIT 1) AS t"
    )
    cursor = reused_cursor()
    cursor.execute(sql, [wanted, integration.id])
    return [tuple(row) for row in cursor.fetchall()]


def _ids_by_remote_id(
    model: type[models.Model], integration: Integration, remote_ids: Iterable[str | None]
) -> dict[str, str]:
    return dict(_by_remote_id(model, integration, remote_ids, ["id"]))  # type: ignore[arg-type]


def _sync_links(
    model: type[models.Model],
    *,
    integration: Integration,
    parent_field: str,
    child_field: str,
    parent_ids: Sequence[str],
    desired: dict[tuple[str, str], Json],
    now: datetime,
    parents_are_new: bool = False,
) -> None:
    """Make the live join rows of `parent_ids` exactly `desired` ({(parent id, child id): extra columns}).

    `parents_are_new`: the parents were all inserted just now, so they have no join rows to look up.
    """
    if not parent_ids:
        return
    extra_fields = sorted({field for extras in desired.values() for field in extras})
    existing = (
        []
        if parents_are_new
        else model.objects.filter(**{f"{parent_field}_id__in": parent_ids}).values_list(  # type: ignore[attr-defined]
            "id", f"{parent_field}_id", f"{child_field}_id", "remote_deleted_at", *extra_fields
        )
    )
    seen: set[tuple[str, str]] = set()
    revive_or_change: list[Json] = []
    to_delete: list[str] = []
    for pk, parent_id, child_id, deleted_at, *extras in existing:
        key = (parent_id, child_id)
        if key not in desired:
            if deleted_at is None:
                to_delete.append(pk)
            continue
        seen.add(key)
        wanted = desired[key]
        if deleted_at is not None or any(
            wanted[field] != value for field, value in zip(extra_fields, extras, strict=True)
        ):
            revive_or_change.append({"id": pk, "changed_at": now, "remote_deleted_at": None, **wanted})
    bulk_insert(
        model,
        [
            {
                "id": new_id(),
                "integration_id": integration.id,
                "changed_at": now,
                f"{parent_field}_id": parent_id,
                f"{child_field}_id": child_id,
                **extras,
            }
            for (parent_id, child_id), extras in desired.items()
            if (parent_id, child_id) not in seen
        ],
    )
    bulk_update(model, revive_or_change, ["changed_at", "remote_deleted_at", *extra_fields])
    if to_delete:
        model.objects.filter(id__in=to_delete).update(remote_deleted_at=now, changed_at=now)  # type: ignore[attr-defined]


def _simple_upsert(
    model: type[models.Model],
    *,
    integration: Integration,
    records: Sequence[Any],
    values: Callable[[Any], Json],
    now: datetime,
    on_insert: Json | None = None,
) -> tuple[UpsertResult, dict[str, str]]:
    result = UpsertResult()
    ids = _upsert(
        model,
        integration=integration,
        existing=_by_remote_id(
            model, integration, [r.remote_id for r in records], ["id", "content_hash", "remote_deleted_at"]
        ),
        rows=(_Row((r.remote_id,), {"remote_id": r.remote_id, **values(r)}, r.remote_data) for r in records),
        now=now,
        result=result,
        on_insert=on_insert,
    )
    return result, {key[0]: pk for key, pk in ids.items()}
