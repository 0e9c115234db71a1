"""Factorial emulator: rejection reasons, candidate sources, employees and credentials."""

from __future__ import annotations

from apps.connectors.emulation.app import Principal
from apps.connectors.emulation.http import HttpError, Request, Response
from apps.connectors.factorial.emulator import render
from apps.connectors.factorial.emulator.model import path_id
from apps.connectors.factorial.emulator.params import (
    MAX_PAGE,
    _bool,
    _date_arg,
    _ids,
    _page,
)


class CompanyApi:
    """Handlers of the catalogues, `employees/employees` and `api_public/credentials` (mixed into the emulator)."""

    # ------------------------------------------------------------------ catalogues
    def rejection_reasons_list(self, request: Request) -> Response:
        ids, applications = _ids(request, "ids"), _ids(request, "ats_application_ids")
        used = None
        if applications is not None:
            used = {
                self.state.applications[a].rejection_reason_id for a in applications if a in self.state.applications
            }
        items = [
            reason
            for reason in self.state.rejection_reasons.values()
            if (ids is None or reason.id in ids) and (used is None or reason.id in used)
        ]
        return _page(request, items, lambda reason: render.rejection_reason(self.state, reason))

    def rejection_reasons_get(self, request: Request) -> Response:
        reason = self.state.rejection_reason(path_id(request.path_params["id"], "Ats::RejectionReason"))
        return Response.json(render.rejection_reason(self.state, reason))

    def candidate_sources_list(self, request: Request) -> Response:
        ids = _ids(request, "ids")
        items = [source for source in self.state.candidate_sources.values() if ids is None or source.id in ids]
        return _page(request, items, lambda source: render.candidate_source(self.state, source))

    def candidate_sources_get(self, request: Request) -> Response:
        source = self.state.candidate_source(path_id(request.path_params["id"], "Ats::CandidateSource"))
        return Response.json(render.candidate_source(self.state, source))

    # ------------------------------------------------------------------ employees and credentials
    def employees_list(self, request: Request) -> Response:
        ids = _ids(request, "ids")
        emails = {value.strip().lower() for value in request.args("emails")} or None
        only_active, only_managers = _bool(request, "only_active"), _bool(request, "only_managers")
        since = _date_arg(request, "updated_at_gteq")
        managers = {e.manager_id for e in self.state.employees.values() if e.manager_id is not None}
        items = [
            employee
            for employee in self.state.employees.values()
            if (ids is None or employee.id in ids)
            and (emails is None or employee.email.lower() in emails)
            and (not only_active or employee.terminated_on is None)
            and (not only_managers or employee.id in managers)
            and (since is None or employee.updated_at >= since)
        ]
        return _page(request, items, lambda employee: render.employee(self.state, employee))

    def employees_get(self, request: Request) -> Response:
        employee = self.state.employee(path_id(request.path_params["id"], "Employees::Employee"))
        return Response.json(render.employee(self.state, employee))

    def credentials_list(self, request: Request) -> Response:
        principal: Principal = request.principal
        if principal.kind == "oauth_user":
            employee = self.state.employees.get(int(principal.subject or 0))
            if employee is None:  # the approving employee left the company (e.g. after a re-seed)
                raise HttpError(401, "invalid_token", "The access token is invalid")
            credential = render.user_credential(self.state, employee)
        elif principal.kind == "oauth_company":
            credential = render.company_credential(self.state, f"company-{self.state.company_id}")
        else:
            credential = render.company_credential(self.state, principal.subject or "api_key")
        return Response.json(
            {
                "data": [credential],
                "meta": {
                    "has_next_page": False,
                    "has_previous_page": False,
                    "start_cursor": None,
                    "end_cursor": None,
                    "total": 1,
                    "limit": MAX_PAGE,
                },
            }
        )
