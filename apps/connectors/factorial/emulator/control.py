"""Factorial emulator: its own `/_emulator/` control endpoints (sources, moves, deletions, API keys)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apps.connectors.emulation.app import ControlError
from apps.connectors.emulation.http import Request, Response
from apps.connectors.factorial.emulator.dump import _application_dump, _source_dump
from apps.connectors.factorial.emulator.model import DECISION_MAKERS, PHASE_TYPES, Application, path_id, to_id


class ControlApi:
    """What a Factorial admin or recruiter does in the UI, for tests (mixed into the emulator)."""

    # ================================================================== Factorial control endpoints
    def _register_factorial_control_endpoints(self) -> None:
        add = self.add_control
        add("POST", "/_emulator/candidate-sources", self._control_create_source)
        add("DELETE", "/_emulator/candidate-sources/{id}", self._control_delete_source)
        add("POST", "/_emulator/applications/{id}/move", self._control_move)
        add("POST", "/_emulator/applications/{id}/reject", self._control_reject)
        add("POST", "/_emulator/applications/{id}/hire", self._control_hire)
        add("DELETE", "/_emulator/records/{resource}/{id}", self._control_delete_record)
        add("DELETE", "/_emulator/api-keys/{key}", self._control_delete_api_key)

    def _control_create_source(self, request: Request) -> Response:
        """What an admin does in Settings → Recruitment → Sources; the API itself cannot (reference B4)."""
        body = request.json_object()
        source = self.state.create_custom_source(
            name=str(body.get("name") or ""),
            category=str(body.get("category") or "job_board"),
            label=body.get("label"),
        )
        return Response.json(_source_dump(source), 201)

    def _control_delete_source(self, request: Request) -> Response:
        source = self.state.delete_source(path_id(request.path_params["id"], "Ats::CandidateSource"))
        return Response.json(_source_dump(source))

    def _control_application(self, request: Request) -> Application:
        return self.state.application(path_id(request.path_params["id"], "Ats::Application"))

    def _control_move(self, request: Request) -> Response:
        """Move like a recruiter dragging the card: `{"ats_application_phase_id": 12}` or `{"phase_type": "offer"}`."""
        application = self._control_application(request)
        body = request.json_object()
        phase_id = body.get("ats_application_phase_id")
        if phase_id is None:
            phase_type = body.get("phase_type")
            if phase_type not in PHASE_TYPES:
                raise ControlError(f"send ats_application_phase_id or phase_type (one of {', '.join(PHASE_TYPES)})")
            phases = [p for p in self.state.phases_of(application.job_posting_id) if p.phase_type == phase_type]
            if not phases:
                raise ControlError(f"job posting {application.job_posting_id} has no {phase_type} phase")
            phase_id = phases[0].id
        self.state.move_to_phase(application, phase_id)
        return Response.json(_application_dump(self.state, application))

    def _control_reject(self, request: Request) -> Response:
        """`{"ats_rejection_reason_id": 3}` or `{"decision_maker": "candidate"}` (the first such reason)."""
        application = self._control_application(request)
        body = request.json_object()
        reason_id = body.get("ats_rejection_reason_id")
        if reason_id is None:
            maker = body.get("decision_maker", "company")
            if maker not in DECISION_MAKERS:
                raise ControlError(f"decision_maker must be one of {', '.join(DECISION_MAKERS)}")
            reason_id = next(r.id for r in self.state.rejection_reasons.values() if r.decision_maker == maker)
        self.state.reject(application, to_id(reason_id, "ats_rejection_reason_id"))
        return Response.json(_application_dump(self.state, application))

    def _control_hire(self, request: Request) -> Response:
        """Move to the posting's hired phase; `{"createEmployee": true}` also converts the candidate."""
        application = self._control_application(request)
        body = request.json or {}
        self.state.hire(application, create_employee=bool(body.get("createEmployee")))
        return Response.json(_application_dump(self.state, application))

    def _control_delete_record(self, request: Request) -> Response:
        """Delete like the UI would (no trace left), e.g. `DELETE /_emulator/records/candidates/7`."""
        resource = request.path_params["resource"]
        deleters: dict[str, Callable[[int], Any]] = {
            "candidates": self.state.delete_candidate,
            "applications": self.state.delete_application,
            "job_postings": self._hard_delete_job,
            "questions": self.state.delete_question,
            "answers": self._delete_answer,
            "feedbacks": self.state.delete_feedback,
            "candidate_sources": self.state.delete_source,
            "employees": self._delete_employee,
        }
        deleter = deleters.get(resource)
        if deleter is None:
            raise ControlError(f"resource must be one of {', '.join(sorted(deleters))}", 404)
        record_id = path_id(request.path_params["id"], resource)
        deleter(record_id)
        return Response.json({"deleted": {"resource": resource, "id": record_id}})

    def _hard_delete_job(self, job_id: int) -> None:
        state = self.state
        state.job_posting(job_id)
        for application_id in [a.id for a in state.applications.values() if a.job_posting_id == job_id]:
            state.delete_application(application_id)
        for question in state.questions_of(job_id):
            state.delete_question(question.id)
        for phase in state.phases_of(job_id):
            del state.phases[phase.id]
        del state.job_postings[job_id]

    def _delete_answer(self, answer_id: int) -> None:
        answer = self.state.answer(answer_id)
        del self.state.answers[answer_id]
        if answer.file is not None:
            self.state.files.pop(answer.file.signed_id, None)

    def _delete_employee(self, employee_id: int) -> None:
        self.state.employee(employee_id)
        del self.state.employees[employee_id]

    def _control_delete_api_key(self, request: Request) -> Response:
        key = request.path_params["key"]
        if self.api_keys.pop(key, None) is None:
            raise ControlError("Unknown API key", 404)
        return Response.json({"deleted": True})
