"""Presenters of the reference data lists: tags, application stages, rejection reasons, roles, users."""

from __future__ import annotations

from apps.applications.enums import (
    RoleScope,
)
from apps.applications.presenter_values import (
    RECORD_COLUMNS,
    ROLE_SCOPES,
    ROLE_TYPES,
    STAGE_STATUSES,
    USER_STATUSES,
    Json,
    Row,
    as_dict,
    closed,
    prefixed,
    present_integration_fields,
    when,
)
from apps.connectors.catalog import ReadModel

# -- reference data ------------------------------------------------------------------------------------

TAG_COLUMNS = (*RECORD_COLUMNS, "name")


def present_tag(tag: Row) -> Json:
    return {
        "id": tag["id"],
        "remote_id": tag["remote_id"],
        "name": tag["name"],
        "changed_at": when(tag["changed_at"]),
        "remote_deleted_at": when(tag["remote_deleted_at"]),
    }


APPLICATION_STAGE_COLUMNS = (*RECORD_COLUMNS, "name", "status", "custom_fields")


def present_application_stage(stage: Row) -> Json:
    return {
        "id": stage["id"],
        "remote_id": stage["remote_id"],
        "name": stage["name"],
        "status": closed(stage["status"], STAGE_STATUSES),
        "custom_fields": as_dict(stage["custom_fields"]),
        "changed_at": when(stage["changed_at"]),
        "remote_deleted_at": when(stage["remote_deleted_at"]),
    }


REJECTION_REASON_COLUMNS = (*RECORD_COLUMNS, "name")


def present_rejection_reason(reason: Row) -> Json:
    return {
        "id": reason["id"],
        "remote_id": reason["remote_id"],
        "name": reason["name"],
        "changed_at": when(reason["changed_at"]),
        "remote_deleted_at": when(reason["remote_deleted_at"]),
    }


ROLE_COLUMNS = (*RECORD_COLUMNS, "remote_label", "scope", "unified_type")


def present_role(role: Row) -> Json:
    return {
        "id": role["id"],
        "remote_id": role["remote_id"],
        "remote_label": role["remote_label"],
        "scope": closed(role["scope"], ROLE_SCOPES),
        "unified_type": closed(role["unified_type"], ROLE_TYPES),
        "changed_at": when(role["changed_at"]),
        "remote_deleted_at": when(role["remote_deleted_at"]),
    }


USER_COLUMNS = (*RECORD_COLUMNS, "first_name", "last_name", "email", "status", "integration_fields")
USER_ROLE_ROW_COLUMNS = prefixed("role", ("remote_id", "remote_label", "unified_type"))


def present_user(user: Row) -> Json:
    return {
        "id": user["id"],
        "remote_id": user["remote_id"],
        "first_name": user["first_name"],
        "last_name": user["last_name"],
        "email": user["email"],
        "status": closed(user["status"], USER_STATUSES),
        "integration_fields": present_integration_fields(user, ReadModel.USERS),
        "changed_at": when(user["changed_at"]),
        "remote_deleted_at": when(user["remote_deleted_at"]),
        "system_roles": [
            {
                "remote_id": role["role__remote_id"],
                "remote_label": role["role__remote_label"],
                "unified_type": closed(role["role__unified_type"], ROLE_TYPES),
                "scope": RoleScope.SYSTEM.value,
            }
            for role in user["role_rows"]
        ],
    }
