"""SmartRecruiters emulator: jobs (Customer API `/jobs...`), the public Posting API and the Application API."""

from __future__ import annotations

from typing import Any

from apps.connectors.emulation.http import Request, Response
from apps.connectors.smartrecruiters.emulator import render
from apps.connectors.smartrecruiters.emulator.applying import apply
from apps.connectors.smartrecruiters.emulator.model import JOB_STATUSES, POSTING_STATUSES, Invalid, Missing
from apps.connectors.smartrecruiters.emulator.params import (
    _enum_arg,
    _keyset_page,
    _limit,
    _sorted,
    _time_arg,
)
from apps.connectors.smartrecruiters.emulator.state import fmt


class JobsApi:
    """Handlers of `/jobs`, `/v1/companies/{company}/postings` and `/postings/{uuid}` (mixed into the emulator)."""

    # ------------------------------------------------------------------ jobs
    def jobs_list(self, request: Request) -> Response:
        state = self.state
        q = (request.arg("q") or "").strip().lower()
        cities = request.args("city")
        departments = request.args("department")  # by label, case sensitive (SR-RB jobs_all)
        status = _enum_arg(request, "status", JOB_STATUSES)
        posting_status = _enum_arg(request, "postingStatus", POSTING_STATUSES)
        updated_after = _time_arg(request, "updatedAfter")
        activity_after = _time_arg(request, "lastActivityAfter")
        language = request.arg("language")
        jobs = [
            job
            for job in state.jobs.values()
            if (not q or q in job.title.lower())
            and (not cities or job.location.get("city") in cities)
            and (not departments or job.department[1] in departments)
            and (status is None or job.status == status)
            and (posting_status is None or job.posting_status == posting_status)
            and (updated_after is None or job.updated_on > updated_after)
            and (activity_after is None or job.last_activity_on > activity_after)
            and (language is None or job.language == language)
        ]
        content, offset, next_page = _keyset_page(request, jobs, default_limit=10, allow_offset=True)
        return Response.json(
            {
                "limit": _limit(request, 10),
                "offset": offset,
                "totalFound": len(jobs),
                "nextPageId": next_page,
                "content": [render.job_summary(state, job, request.base_url) for job in content],
            }
        )

    def jobs_get(self, request: Request) -> Response:
        job = self.state.job(request.path_params["job_id"])
        return Response.json(render.job_details(self.state, job, request.base_url))

    def jobs_status_update(self, request: Request) -> Response:
        job = self.state.job(request.path_params["job_id"])
        self.state.set_job_status(job, request.json_object().get("status"))
        return Response.empty(204)  # SR-RB returns nothing for this call

    def jobs_status_history(self, request: Request) -> Response:
        job = self.state.job(request.path_params["job_id"])
        content = [{"changedOn": fmt(changed_on), "status": status} for changed_on, status in job.status_history]
        return Response.json({"totalFound": len(content), "content": content})

    def jobs_hiring_team(self, request: Request) -> Response:
        job = self.state.job(request.path_params["job_id"])
        content = [{"id": user_id, "role": role} for user_id, role in job.hiring_team]
        return Response.json({"totalFound": len(content), "content": content})

    def jobs_hiring_team_add(self, request: Request) -> Response:
        job = self.state.job(request.path_params["job_id"])
        user_id, role = self.state.add_hiring_team_member(job, request.json_object())
        return Response.json({"id": user_id, "role": role}, 201)

    def jobs_hiring_team_remove(self, request: Request) -> Response:
        job = self.state.job(request.path_params["job_id"])
        self.state.remove_hiring_team_member(job, request.path_params["user_id"])
        return Response.empty(204)

    def jobs_jobads(self, request: Request) -> Response:
        job = self.state.job(request.path_params["job_id"])
        content = [render.job_ad(self.state, job, ad, request.base_url) for ad in job.job_ads]
        return Response.json({"totalFound": len(content), "content": content})

    def _job_ad(self, request: Request) -> tuple[Any, Any]:
        job = self.state.job(request.path_params["job_id"])
        for ad in job.job_ads:
            if ad.id == request.path_params["ad_id"]:
                return job, ad
        raise Missing("Job ad", request.path_params["ad_id"])

    def jobs_jobad(self, request: Request) -> Response:
        job, ad = self._job_ad(request)
        return Response.json(render.job_ad(self.state, job, ad, request.base_url))

    def jobs_jobad_postings(self, request: Request) -> Response:
        job, ad = self._job_ad(request)
        content = []
        if job.posting is not None and job.posting.job_ad_id == ad.id and job.posting.active:
            content.append(
                {
                    "id": job.posting.id,
                    "uuid": job.posting.uuid,
                    "publishedOn": fmt(job.posting.released_on),
                    "postingStatus": ad.posting_status,
                    "visibility": ad.visibility,
                }
            )
        return Response.json({"totalFound": len(content), "content": content})

    def jobs_publications(self, request: Request) -> Response:
        job = self.state.job(request.path_params["job_id"])
        active_only = (request.arg("activeOnly") or "false").lower() == "true"
        content = [
            {
                "sourceName": publication.source_name,
                "type": publication.type,
                "publishedOn": fmt(publication.published_on),
                "unpublishedOn": fmt(publication.unpublished_on),
            }
            for publication in job.publications
            if not active_only or publication.unpublished_on is None
        ]
        return Response.json({"totalFound": len(content), "content": content})

    def jobs_publish(self, request: Request) -> Response:
        job = self.state.job(request.path_params["job_id"])
        body = request.json or {}
        if not isinstance(body, dict):
            raise Invalid("Request body must be a JSON object")
        self.state.publish(job, body.get("visibility", "PUBLIC"))
        return Response.empty(204)

    def jobs_unpublish(self, request: Request) -> Response:
        job = self.state.job(request.path_params["job_id"])
        self.state.unpublish(job)
        return Response.empty(204)

    def jobs_candidates_create(self, request: Request) -> Response:
        job = self.state.job(request.path_params["job_id"])
        body = request.json_object()
        source = self.state.resolve_source(body.get("sourceDetails"))
        candidate, _ = self.state.create_candidate(body, job=job, source=source)
        # Exact success code NOT FOUND in the SDKs (reference A5); 201 as for every create here.
        return Response.json(render.candidate_details(self.state, candidate, request.base_url), 201)

    # ------------------------------------------------------------------ public postings
    def _company(self, request: Request) -> None:
        if request.path_params["company"] != self.state.company_identifier:
            raise Missing("Company", request.path_params["company"])

    def postings_list(self, request: Request) -> Response:
        self._company(request)
        destination = request.arg("destination") or "PUBLIC"
        wanted = {"PUBLIC": {"PUBLIC"}, "INTERNAL": {"INTERNAL"}, "INTERNAL_OR_PUBLIC": {"PUBLIC", "INTERNAL"}}.get(
            destination
        )
        if wanted is None:
            raise Invalid("destination: must be one of PUBLIC, INTERNAL, INTERNAL_OR_PUBLIC")
        q = (request.arg("q") or "").lower()
        city, country, department = request.arg("city"), request.arg("country"), request.arg("department")
        jobs = [
            job
            for job in _sorted(self.state.jobs.values())
            if job.posting is not None
            and job.posting.active
            and job.posting_status in wanted
            and (not q or q in job.title.lower())
            and (city is None or job.location.get("city") == city)
            and (country is None or job.location.get("countryCode") == country)
            and (department is None or job.department[0] == department)
        ]
        limit = request.int_arg("limit", 100, minimum=1, maximum=100)
        offset = request.int_arg("offset", 0)
        page = jobs[offset : offset + limit]
        return Response.json(
            {
                "offset": offset,
                "limit": limit,
                "totalFound": len(jobs),
                "content": [render.posting(self.state, job, job.posting, request.base_url) for job in page],
            }
        )

    def postings_get(self, request: Request) -> Response:
        self._company(request)
        wanted = request.path_params["posting_id"]
        for job in self.state.jobs.values():
            if job.posting is not None and job.posting.active and wanted in (job.posting.id, job.posting.uuid):
                return Response.json(render.posting(self.state, job, job.posting, request.base_url, details=True))
        raise Missing("Posting", wanted)

    # ------------------------------------------------------------------ Application API
    def apply_configuration(self, request: Request) -> Response:
        job, posting = self.state.posting_by_uuid(request.path_params["uuid"])
        conditionals = (request.arg("conditionalsIncluded") or "false").lower() == "true"
        return Response.json(
            render.screening_configuration(
                posting,
                conditionals=conditionals,
                company_name=self.state.company_name,
                company=self.state.company_identifier,
            )
        )

    def apply_create(self, request: Request) -> Response:
        job, posting = self.state.posting_by_uuid(request.path_params["uuid"])
        candidate, application = apply(self.state, job, posting, request.json_object())
        return Response.json(
            {
                "id": candidate.id,
                "createdOn": fmt(application.created_on),
                "candidatePortalUrl": f"{request.base_url}/candidate-portal/{candidate.id}",
                "smartrJoinUrl": None,
            },
            201,
        )

    def apply_status(self, request: Request) -> Response:
        job, _ = self.state.posting_by_uuid(request.path_params["uuid"])
        application = self.state.application_for(request.path_params["candidate_id"], job.id)
        return Response.json(render.apply_status(application))
