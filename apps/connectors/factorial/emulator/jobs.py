"""Factorial emulator: job postings and their pipeline (application phases, hiring stages)."""

from __future__ import annotations

from apps.connectors.emulation.http import Request, Response
from apps.connectors.factorial.emulator import render
from apps.connectors.factorial.emulator.model import JOB_STATUSES, Invalid, path_id, to_id
from apps.connectors.factorial.emulator.params import (
    _bad_param,
    _ids,
    _page,
    _single_id,
)


class JobsApi:
    """Handlers of `ats/job_postings`, `ats/application_phases` and `ats/hiring_stages` (mixed into the emulator)."""

    # ------------------------------------------------------------------ job postings
    def job_postings_list(self, request: Request) -> Response:
        status = request.arg("status")
        if status is not None and status not in JOB_STATUSES:
            raise _bad_param("status", f"must be one of {', '.join(JOB_STATUSES)}")
        ids = _ids(request, "ids")
        team, location, entity = (_single_id(request, name) for name in ("team_id", "location_id", "legal_entity_id"))
        # Deleted postings are left out unless asked for by status (our reading of the `deleted` status).
        items = [
            job
            for job in self.state.job_postings.values()
            if (status == job.status if status is not None else job.status != "deleted")
            and (ids is None or job.id in ids)
            and (team is None or job.team_id == team)
            and (location is None or job.location_id == location)
            and (entity is None or job.legal_entity_id == entity)
        ]
        return _page(request, items, lambda job: render.job_posting(self.state, job, request.base_url))

    def job_postings_get(self, request: Request) -> Response:
        job = self.state.job_posting(path_id(request.path_params["id"], "Ats::JobPosting"))
        return Response.json(render.job_posting(self.state, job, request.base_url))

    def job_postings_create(self, request: Request) -> Response:
        job = self.state.create_job_posting(request.json_object())
        return Response.json(render.job_posting(self.state, job, request.base_url), 201)

    def job_postings_update(self, request: Request) -> Response:
        job = self.state.job_posting(path_id(request.path_params["id"], "Ats::JobPosting"))
        self.state.update_job_posting(job, request.json_object())
        return Response.json(render.job_posting(self.state, job, request.base_url))

    def job_postings_delete(self, request: Request) -> Response:
        job = self.state.job_posting(path_id(request.path_params["id"], "Ats::JobPosting"))
        self.state.delete_job_posting(job)
        return Response.json(render.job_posting(self.state, job, request.base_url))

    def job_postings_duplicate(self, request: Request) -> Response:
        body = request.json_object()
        if body.get("id") is None:
            raise Invalid("can't be blank", "id")
        job = self.state.job_postings.get(to_id(body["id"], "id"))
        if job is None:
            raise Invalid("job posting does not exist", "id")
        copy = self.state.duplicate_job_posting(job)
        return Response.json(render.job_posting(self.state, copy, request.base_url), 201)

    # ------------------------------------------------------------------ pipeline
    def _phase_counts(self) -> dict[int, tuple[int, int]]:
        counts: dict[int, list[int]] = {}
        for application in self.state.applications.values():
            entry = counts.setdefault(application.phase_id, [0, 0])
            entry[0] += 1
            if application.rejection_reason_id is None:
                entry[1] += 1
        return {phase_id: (total, active) for phase_id, (total, active) in counts.items()}

    def phases_list(self, request: Request) -> Response:
        ids, jobs = _ids(request, "ids"), _ids(request, "ats_job_posting_ids")
        counts = self._phase_counts()
        items = [
            phase
            for phase in self.state.phases.values()
            if (ids is None or phase.id in ids) and (jobs is None or phase.job_posting_id in jobs)
        ]
        return _page(request, items, lambda phase: render.phase(phase, counts.get(phase.id, (0, 0))))

    def phases_get(self, request: Request) -> Response:
        phase = self.state.phase(path_id(request.path_params["id"], "Ats::ApplicationPhase"))
        return Response.json(render.phase(phase, self._phase_counts().get(phase.id, (0, 0))))

    def hiring_stages_list(self, request: Request) -> Response:
        ids = _ids(request, "ids")
        phase_id = _single_id(request, "ats_application_phase_id")
        stage_of_phase = None
        if phase_id is not None:
            phase = self.state.phases.get(phase_id)
            stage_of_phase = phase.hiring_stage_id if phase else -1
        items = [
            stage
            for stage in self.state.hiring_stages.values()
            if (ids is None or stage.id in ids) and (stage_of_phase is None or stage.id == stage_of_phase)
        ]
        return _page(request, items, lambda stage: render.hiring_stage(self.state, stage))

    def hiring_stages_get(self, request: Request) -> Response:
        stage = self.state.hiring_stage(path_id(request.path_params["id"], "Ats::HiringStage"))
        return Response.json(render.hiring_stage(self.state, stage))
