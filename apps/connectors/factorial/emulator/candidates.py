"""Factorial emulator: candidates, applications and the signed file URLs behind CVs and file answers."""

from __future__ import annotations

from apps.connectors.emulation.http import HttpError, Request, Response
from apps.connectors.factorial.emulator import render
from apps.connectors.factorial.emulator.applying import apply, create_application, decode_cv
from apps.connectors.factorial.emulator.model import Application, Candidate, Invalid, path_id, to_id
from apps.connectors.factorial.emulator.params import (
    _bool,
    _ids,
    _number,
    _page,
)


class CandidatesApi:
    """Handlers of `ats/candidates`, `ats/applications` and the file route (mixed into the emulator)."""

    def file_download(self, request: Request) -> Response:
        stored = self.state.files.get(request.path_params["signed_id"])
        if stored is None or stored.filename != request.path_params["filename"]:
            raise HttpError(404, "not_found", "File not found")
        return Response.binary(stored.content, stored.content_type, stored.filename)

    # ------------------------------------------------------------------ candidates
    def candidates_list(self, request: Request) -> Response:
        state = self.state
        ids = _ids(request, "ids")
        emails = {value.strip().lower() for value in request.args("emails")} or None
        teams, locations = _ids(request, "team_ids"), _ids(request, "location_ids")
        jobs = _ids(request, "job_posting_ids")
        sources = set(request.args("source")) or None
        remote, active = _bool(request, "remote"), _bool(request, "active")
        talent_pool, archived = _bool(request, "talent_pool"), _bool(request, "archived")
        minimum_rating = _number(request, "minimum_average_rating")
        needs_jobs = teams is not None or locations is not None or jobs is not None or remote is not None
        ratings: dict[int, list[int]] = {}
        if minimum_rating is not None:
            for feedback in state.feedbacks.values():
                if feedback.rating is not None:
                    ratings.setdefault(feedback.candidate_id, []).append(feedback.rating)

        def job_filters_match(candidate: Candidate) -> bool:
            postings = [state.job_postings[state.applications[a].job_posting_id] for a in candidate.application_ids]
            return (
                (jobs is None or any(job.id in jobs for job in postings))
                and (teams is None or any(job.team_id in teams for job in postings))
                and (locations is None or any(job.location_id in locations for job in postings))
                and (remote is None or any(job.remote == remote for job in postings))
            )

        def rating_matches(candidate: Candidate, minimum: float) -> bool:
            values = ratings.get(candidate.id)
            return bool(values) and sum(values) / len(values) >= minimum

        # `archived` has no field of its own in AtsCandidate; we read it as "inactive" (inactive_since set).
        items = [
            candidate
            for candidate in state.candidates.values()
            if (ids is None or candidate.id in ids)
            and (emails is None or (candidate.email or "").lower() in emails)
            and (sources is None or state.source_matches(candidate.source, candidate.source_id, sources))
            and (active is None or (candidate.inactive_since is None) == active)
            and (archived is None or (candidate.inactive_since is not None) == archived)
            and (talent_pool is None or candidate.talent_pool == talent_pool)
            and (not needs_jobs or job_filters_match(candidate))
            and (minimum_rating is None or rating_matches(candidate, minimum_rating))
        ]
        return _page(request, items, lambda candidate: render.candidate(state, candidate))

    def candidates_get(self, request: Request) -> Response:
        candidate = self.state.candidate(path_id(request.path_params["id"], "Ats::Candidate"))
        return Response.json(render.candidate(self.state, candidate))

    def candidates_create(self, request: Request) -> Response:
        candidate = self.state.create_candidate(request.json_object())
        return Response.json(render.candidate(self.state, candidate), 201)

    def candidates_update(self, request: Request) -> Response:
        candidate = self.state.candidate(path_id(request.path_params["id"], "Ats::Candidate"))
        self.state.update_candidate(candidate, request.json_object())
        return Response.json(render.candidate(self.state, candidate))

    def candidates_delete(self, request: Request) -> Response:
        candidate = self.state.candidate(path_id(request.path_params["id"], "Ats::Candidate"))
        body = render.candidate(self.state, candidate)
        self.state.delete_candidate(candidate.id)
        return Response.json(body)

    # ------------------------------------------------------------------ applications
    def applications_list(self, request: Request) -> Response:
        state = self.state
        ids = _ids(request, "ids")
        jobs, phases = _ids(request, "ats_job_posting_id"), _ids(request, "ats_application_phase_id")
        candidates, reasons = _ids(request, "ats_candidate_ids"), _ids(request, "ats_rejection_reason_ids")
        tags = _ids(request, "ats_tags_ids")
        qualified = _bool(request, "qualified")
        search = (request.arg("search") or "").strip().lower()

        def search_matches(application: Application) -> bool:
            candidate = state.candidates[application.candidate_id]
            return search in f"{candidate.full_name} {candidate.email or ''}".lower()

        items = [
            application
            for application in state.applications.values()
            if (ids is None or application.id in ids)
            and (jobs is None or application.job_posting_id in jobs)
            and (phases is None or application.phase_id in phases)
            and (candidates is None or application.candidate_id in candidates)
            and (reasons is None or application.rejection_reason_id in reasons)
            and (tags is None or any(tag in tags for tag in application.tag_ids))
            and (qualified is None or application.qualified == qualified)
            and (not search or search_matches(application))
        ]
        ratings = state.rating_averages()
        return _page(
            request,
            items,
            lambda application: render.application(state, application, request.base_url, ratings.get(application.id)),
        )

    def _application(self, request: Request) -> Application:
        return self.state.application(path_id(request.path_params["id"], "Ats::Application"))

    def applications_get(self, request: Request) -> Response:
        return Response.json(render.application(self.state, self._application(request), request.base_url))

    def applications_create(self, request: Request) -> Response:
        application = create_application(self.state, request.json_object())
        return Response.json(render.application(self.state, application, request.base_url), 201)

    def applications_apply(self, request: Request) -> Response:
        # Apply answers 200, not 201 (F-SDK `_parse_response` of the apply endpoint).
        _, application = apply(self.state, request.json_object())
        return Response.json(render.application(self.state, application, request.base_url))

    def applications_update(self, request: Request) -> Response:
        application = self._application(request)
        body = request.json_object()
        cv = decode_cv(body.get("cv"))
        self.state.update_application(application, body, cv=cv.as_tuple() if cv else None)
        return Response.json(render.application(self.state, application, request.base_url))

    def applications_delete(self, request: Request) -> Response:
        application = self._application(request)
        body = render.application(self.state, application, request.base_url)
        self.state.delete_application(application.id)
        return Response.json(body)

    def applications_move_to_phase(self, request: Request) -> Response:
        body = request.json_object()
        for key in ("id", "ats_application_phase_id"):
            if body.get(key) is None:
                raise Invalid("can't be blank", key)
        application = self.state.application(to_id(body["id"], "id"))
        self.state.move_to_phase(application, body["ats_application_phase_id"])
        return Response.json(render.application(self.state, application, request.base_url))
