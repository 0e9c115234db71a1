"""Factorial resource paths under `/api/<version>/resources` and the OAuth scopes the scope tests prove."""

from __future__ import annotations

from typing import Any

JOB_POSTINGS = "/ats/job_postings"
APPLICATION_PHASES = "/ats/application_phases"
QUESTIONS = "/ats/questions"
CANDIDATES = "/ats/candidates"
APPLICATIONS = "/ats/applications"
APPLY = "/ats/applications/apply"
ANSWERS = "/ats/answers"
REJECTION_REASONS = "/ats/rejection_reasons"
CANDIDATE_SOURCES = "/ats/candidate_sources"
FEEDBACKS = "/ats/feedbacks"
# Follow-up steps of a create that only Factorial knows (apps.connectors.steps).
STEP_PERSONAL_URL = "candidate.social_links"
STEP_SOURCE = "source"
EMPLOYEES = "/employees/employees"
CREDENTIALS = "/api_public/credentials"

# OAuth scopes (F-REPO oauth-scopes.md): every Ats resource is under `recruitment`; employees under `employees`.
SCOPE_RECRUITMENT = "recruitment"
SCOPE_EMPLOYEES = "employees"

Raw = dict[str, Any]
