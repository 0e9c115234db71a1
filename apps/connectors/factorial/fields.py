"""Factorial integration fields: the standard keys of its ATS payloads (DEFAULT) and the company's custom fields
(CUSTOM) from `GET /custom_fields/fields` (assumed shape: see emulator/fields.py).

Custom field values are not part of the candidate, application or job posting payloads (NOT FOUND where they
would be read), so custom fields are listed without a value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import RemoteFieldDefinition
from apps.connectors.errors import ConnectorPermissionError
from apps.connectors.fields import standard_fields

if TYPE_CHECKING:
    from apps.connectors.factorial.client import FactorialClient

JOBS = ReadModel.JOBS.value
CANDIDATES = ReadModel.CANDIDATES.value
APPLICATIONS = ReadModel.APPLICATIONS.value
CUSTOM_FIELDS = "/custom_fields/fields"
RESOURCE_MODELS = {"ats_job_posting": JOBS, "ats_candidate": CANDIDATES, "ats_application": APPLICATIONS}

JOB_FIELDS = {
    "contract_type": "Contract type",
    "category": "Category",
    "workplace_type": "Workplace type",
    "schedule_type": "Schedule type",
    "status": "Status",
    "team_id": "Team",
    "location_id": "Location",
    "legal_entity_id": "Legal entity",
    "salary_format": "Salary format",
    "salary_from_amount_in_cents": "Salary from (cents)",
    "salary_to_amount_in_cents": "Salary to (cents)",
    "salary_period": "Salary period",
    "hide_salary": "Hide salary",
    "cv_requirement": "CV requirement",
    "cover_letter_requirement": "Cover letter requirement",
    "published_at": "Published at",
}
CANDIDATE_FIELDS = {
    "talent_pool": "Talent pool",
    "personal_url": "Personal URL",
    "consent_given_at": "Consent given at",
    "consent_expiration_date": "Consent expiration date",
    "consent_to_talent_pool": "Consent to talent pool",
    "medium": "Medium",
    "source_id": "Source",
    "gender": "Gender",
    "score": "Score",
    "inactive_since": "Inactive since",
}
APPLICATION_FIELDS = {
    "qualified": "Qualified", "phone": "Phone", "cover_letter": "Cover letter", "medium": "Medium",
    "rating_average": "Average rating", "source_id": "Source", "employee_id": "Employee",
}  # fmt: skip


def list_fields(client: FactorialClient) -> list[RemoteFieldDefinition]:
    found = [
        *standard_fields(JOBS, JOB_FIELDS),
        *standard_fields(CANDIDATES, CANDIDATE_FIELDS),
        *standard_fields(APPLICATIONS, APPLICATION_FIELDS),
    ]
    try:
        custom: list[dict[str, Any]] = list(client.list_all(CUSTOM_FIELDS))
    except ConnectorPermissionError:  # a token without the custom_fields scope: the standard fields only
        return found
    for item in custom:
        model = RESOURCE_MODELS.get(str(item.get("resource_type")))
        if model is not None and item.get("id") is not None:
            found.append(
                RemoteFieldDefinition(model=model, key=str(item["id"]), label=item.get("label"), type="CUSTOM")
            )
    return found
