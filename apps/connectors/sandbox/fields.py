"""The sandbox's integration fields: its documents' standard keys (DEFAULT) and the custom fields its generator
fills in (CUSTOM: `cost_center` on jobs, `notice_period_weeks` on candidates, `referrer` on applications)."""

from __future__ import annotations

from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import RemoteFieldDefinition
from apps.connectors.fields import standard_fields

JOBS = ReadModel.JOBS.value
CANDIDATES = ReadModel.CANDIDATES.value
APPLICATIONS = ReadModel.APPLICATIONS.value

STANDARD = {
    JOBS: {
        "job_code": "Job code", "category": "Category", "department": "Department",
        "experience_level": "Experience level", "weekly_hours": "Weekly hours", "employment_type": "Employment type",
        "remote_work_status": "Remote work status", "salary_currency": "Salary currency",
        "salary_period": "Salary period", "status": "Status", "visibility": "Visibility",
    },
    CANDIDATES: {
        "company": "Company", "title": "Title", "source": "Source", "confidential": "Confidential",
        "location.city": "City", "url": "Profile URL",
    },
    APPLICATIONS: {"status": "Status", "source": "Source", "hired_at": "Hired at", "url": "Application URL"},
}  # fmt: skip
CUSTOM = {
    JOBS: {"cost_center": "Cost center"},
    CANDIDATES: {"notice_period_weeks": "Notice period (weeks)"},
    APPLICATIONS: {"referrer": "Referrer"},
}


def list_fields() -> list[RemoteFieldDefinition]:
    found: list[RemoteFieldDefinition] = []
    for model, labels in STANDARD.items():
        found.extend(standard_fields(model, labels))
        found.extend(
            RemoteFieldDefinition(model=model, key=key, label=label, type="CUSTOM", path=("custom_fields", key))
            for key, label in CUSTOM[model].items()
        )
    return found
