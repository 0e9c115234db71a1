"""What every presenter shares: the closed enums' values, value checks for JSON columns, and the short
summaries (user, job, candidate, tags) nested in several records. See `apps.applications.presenters`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from apps.applications.enums import (
    HIRING_TEAM_ROLES,
    AttachmentType,
    IntegrationFieldType,
    OfferStatus,
    Outcome,
    PostingStatus,
    PostingVisibility,
    QuestionCategory,
    QuestionFormat,
    RoleScope,
    RoleType,
    ScorecardResponseType,
    StageStatus,
    UserStatus,
)
from apps.connectors.catalog import ReadModel
from apps.core.derived_ids import integration_field_id
from apps.core.timeutils import format_datetime

Row = dict[str, Any]
Json = dict[str, Any]

LOCATION_KEYS = ("city", "country", "raw", "state", "street_1", "street_2", "zip_code")

STAGE_STATUSES = frozenset(StageStatus.values)
USER_STATUSES = frozenset(UserStatus.values)
OUTCOMES = frozenset(Outcome.values)
OFFER_STATUSES = frozenset(OfferStatus.values)
ATTACHMENT_TYPES = frozenset(AttachmentType.values)
ROLE_TYPES = frozenset(RoleType.values)
ROLE_SCOPES = frozenset(RoleScope.values)
POSTING_STATUSES = frozenset(PostingStatus.values)
POSTING_VISIBILITIES = frozenset(PostingVisibility.values)
QUESTION_CATEGORIES = frozenset(QuestionCategory.values)
QUESTION_FORMATS = frozenset(QuestionFormat.values)
HIRING_TEAM_ROLE_SET = frozenset(HIRING_TEAM_ROLES)
FIELD_TYPES = frozenset(IntegrationFieldType.values)
SCORECARD_TYPES = frozenset(ScorecardResponseType.values)


def prefixed(prefix: str, columns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{prefix}__{column}" for column in columns)


# -- value helpers ---------------------------------------------------------------------------------------


def when(value: datetime | str | None) -> str | None:
    """A datetime on the wire. Selectors usually have the database format it already (`WireDatetime`)."""
    if value is None or isinstance(value, str):
        return value
    return format_datetime(value)


def closed(value: Any, allowed: frozenset[str]) -> str | None:
    return value if value in allowed else None


def as_str(value: Any) -> str | None:
    """Text for a string key inside a JSON column: a number becomes text, anything else null."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return str(value)
    return None


def as_bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def as_number(value: Any) -> float | int | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def as_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_dict(value: Any) -> Json:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def present_location(value: Any) -> Json | None:
    if not isinstance(value, dict):
        return None
    return {key: as_str(value.get(key)) for key in LOCATION_KEYS}


# The lists below are on every candidate (and every application's candidate): no work for an empty one.


def present_email_addresses(value: Any) -> list[Json]:
    if not value:
        return []
    return [
        {"type": as_str(entry.get("type")), "email_address": as_str(entry.get("email_address"))}
        for entry in as_list(value)
        if isinstance(entry, dict)
    ]


def present_phone_numbers(value: Any) -> list[Json]:
    if not value:
        return []
    return [
        {"phone_number": number, "type": as_str(entry.get("type"))}
        for entry in as_list(value)
        if isinstance(entry, dict) and (number := as_str(entry.get("phone_number")))
    ]


def present_social_media(value: Any) -> list[Json]:
    if not value:
        return []
    return [
        {
            "link": as_str(entry.get("link")),
            "type": as_str(entry.get("type")),
            "username": as_str(entry.get("username")),
        }
        for entry in as_list(value)
        if isinstance(entry, dict)
    ]


def present_integration_fields(row: Row, model: ReadModel) -> list[Json]:
    """`[{id, key, type, value, label}]`; ids are derived from integration, model and key (stable)."""
    entries = row["integration_fields"]
    if not entries:
        return []
    fields = []
    for entry in as_list(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("key"), str):
            continue
        fields.append(
            {
                "id": integration_field_id(row["integration_id"], model.value, entry["key"]),
                "key": entry["key"],
                "type": closed(entry.get("type"), FIELD_TYPES) or IntegrationFieldType.DEFAULT.value,
                "value": entry.get("value"),
                "label": as_str(entry.get("label")),
            }
        )
    return fields


# -- shared summaries ----------------------------------------------------------------------------------

USER_SUMMARY_COLUMNS = ("id", "remote_id", "first_name", "last_name", "email")
JOB_SUMMARY_COLUMNS = ("id", "remote_id", "name")
CANDIDATE_SUMMARY_COLUMNS = ("id", "remote_id", "first_name", "last_name", "email_addresses")
RECORD_COLUMNS = ("id", "integration_id", "remote_id", "changed_at", "remote_deleted_at")
REMOTE_TIMESTAMP_COLUMNS = ("remote_created_at", "remote_updated_at")


def user_summary(row: Row, prefix: str) -> Json | None:
    """`{id, remote_id, first_name, last_name, email}` of the user joined as `prefix`, or null."""
    if row[f"{prefix}__id"] is None:
        return None
    return {name: row[f"{prefix}__{name}"] for name in USER_SUMMARY_COLUMNS}


def job_summary(row: Row, prefix: str) -> Json | None:
    if row[f"{prefix}__id"] is None:
        return None
    return {name: row[f"{prefix}__{name}"] for name in JOB_SUMMARY_COLUMNS}


def candidate_summary(row: Row, prefix: str) -> Json | None:
    """The short candidate inside offers' and interviews' `application`."""
    if row[f"{prefix}__id"] is None:
        return None
    return {
        "id": row[f"{prefix}__id"],
        "remote_id": row[f"{prefix}__remote_id"],
        "first_name": row[f"{prefix}__first_name"],
        "last_name": row[f"{prefix}__last_name"],
        "email_addresses": present_email_addresses(row[f"{prefix}__email_addresses"]),
    }


TAG_ROW_COLUMNS = ("tag__id", "tag__remote_id", "tag__name")


def present_tags(rows: list[Row]) -> list[Json]:
    return [{"id": tag["tag__id"], "remote_id": tag["tag__remote_id"], "name": tag["tag__name"]} for tag in rows]


def timestamps(row: Row) -> Json:
    return {
        "remote_created_at": when(row["remote_created_at"]),
        "remote_updated_at": when(row["remote_updated_at"]),
        "changed_at": when(row["changed_at"]),
        "remote_deleted_at": when(row["remote_deleted_at"]),
    }
