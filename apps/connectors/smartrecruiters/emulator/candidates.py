"""SmartRecruiters emulator: candidates, their applications, tags, attachments and offers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from apps.connectors.emulation.http import Request, Response
from apps.connectors.smartrecruiters.emulator import render
from apps.connectors.smartrecruiters.emulator.inputs import tags_from_body
from apps.connectors.smartrecruiters.emulator.model import (
    ATTACHMENT_TYPES,
    CANDIDATE_STATUSES,
    OFFER_STATUSES,
    Invalid,
    Missing,
)
from apps.connectors.smartrecruiters.emulator.params import (
    _is_number,
    _keyset_page,
    _limit,
    _time_arg,
)


class CandidatesApi:
    """Handlers of `/candidates...`, `/job-applications` and `/offers` (mixed into the emulator)."""

    # ------------------------------------------------------------------ candidates
    def candidates_list(self, request: Request) -> Response:
        state = self.state
        q = (request.arg("q") or "").strip().lower()
        job_ids = set(request.args("jobId"))
        statuses = set(request.args("status"))
        unknown = statuses - set(CANDIDATE_STATUSES)
        if unknown:
            raise Invalid(f"status: unknown value {', '.join(sorted(unknown))}")
        sub_status = request.arg("subStatus")
        if sub_status is not None and not statuses:
            # "works only in a correlation with a set value for the status field" (SR-RB candidates_all)
            raise Invalid("subStatus: requires the status filter")
        tags = set(request.args("tag"))
        consent = set(request.args("consentStatus"))
        ratings = {float(value) for value in request.args("averageRating") if _is_number(value)}
        source_types = set(request.args("sourceType"))
        source_subtypes = set(request.args("sourceSubType"))
        source_values = set(request.args("sourceValueId"))
        updated_after = _time_arg(request, "updatedAfter")
        per_application = bool(job_ids or statuses or source_types or source_subtypes or source_values)

        def application_matches(application: Any) -> bool:
            type_id, subtype_id, value_id = application.source
            return (
                (not job_ids or application.job_id in job_ids)
                and (not statuses or application.status in statuses)
                and (sub_status is None or application.sub_status == sub_status)
                and (not source_types or type_id in source_types)
                and (not source_subtypes or subtype_id in source_subtypes)
                and (not source_values or value_id in source_values)
            )

        candidates = [
            candidate
            for candidate in state.candidates.values()
            if (updated_after is None or candidate.updated_on > updated_after)
            and (not q or q in f"{candidate.first_name} {candidate.last_name} {candidate.email}".lower())
            and (not tags or tags & set(candidate.tags))
            and (not consent or candidate.consent_status in consent)
            and (not ratings or candidate.average_rating in ratings)
            and (
                not per_application
                or any(application_matches(state.applications[a]) for a in candidate.application_ids)
            )
        ]
        content, offset, next_page = _keyset_page(request, candidates, default_limit=10, allow_offset=False)
        response = Response.json(
            {
                "limit": _limit(request, 10),
                "offset": offset,
                "totalFound": len(candidates),
                "nextPageId": next_page,
                "content": [render.candidate_summary(state, candidate, request.base_url) for candidate in content],
            }
        )
        if next_page:
            params = [(key, value) for key, values in request.query.items() if key != "pageId" for value in values]
            params.append(("pageId", next_page))
            response.set_header("Link", f'<{request.base_url}/candidates?{urlencode(params)}>; rel="next"')
        return response

    def candidates_create(self, request: Request) -> Response:
        body = request.json_object()
        # sourceDetails on a talent-pool candidate has no application to sit on; validated, then unused.
        self.state.resolve_source(body.get("sourceDetails"))
        candidate, _ = self.state.create_candidate(body, job=None, source=self.state.resolve_source(None))
        return Response.json(render.candidate_details(self.state, candidate, request.base_url), 201)

    def candidates_get(self, request: Request) -> Response:
        candidate = self.state.candidate(request.path_params["candidate_id"])
        return Response.json(render.candidate_details(self.state, candidate, request.base_url))

    def candidates_update(self, request: Request) -> Response:
        candidate = self.state.candidate(request.path_params["candidate_id"])
        self.state.update_candidate(candidate, request.json_object())
        return Response.json(render.candidate_details(self.state, candidate, request.base_url))

    def candidates_delete(self, request: Request) -> Response:
        self.state.delete_candidate(request.path_params["candidate_id"])
        return Response.empty(204)

    def _application(self, request: Request) -> Any:
        return self.state.application_for(request.path_params["candidate_id"], request.path_params["job_id"])

    def applications_get(self, request: Request) -> Response:
        return Response.json(render.application(self.state, self._application(request), request.base_url))

    def applications_status(self, request: Request) -> Response:
        self.state.set_status(self._application(request), request.json_object())
        return Response.empty(204)  # SR-RB: no response body

    def applications_history(self, request: Request) -> Response:
        return Response.json(render.status_history(self._application(request)))

    def applications_source(self, request: Request) -> Response:
        self.state.set_source(self._application(request), request.json_object())
        return Response.empty(204)

    def applications_answers(self, request: Request) -> Response:
        return Response.json(render.screening_answers(self.state, self._application(request)))

    def job_applications_get(self, request: Request) -> Response:
        application = self.state.applications.get(request.path_params["application_id"])
        if application is None:
            raise Missing("Job application", request.path_params["application_id"])
        return Response.json(render.job_application(self.state, application))

    # tags
    def tags_get(self, request: Request) -> Response:
        candidate = self.state.candidate(request.path_params["candidate_id"])
        return Response.json({"tags": list(candidate.tags)})

    def tags_add(self, request: Request) -> Response:
        candidate = self.state.candidate(request.path_params["candidate_id"])
        return Response.json({"tags": self.state.add_tags(candidate, tags_from_body(request.json))})

    def tags_replace(self, request: Request) -> Response:
        candidate = self.state.candidate(request.path_params["candidate_id"])
        return Response.json({"tags": self.state.replace_tags(candidate, tags_from_body(request.json))})

    def tags_delete(self, request: Request) -> Response:
        self.state.clear_tags(self.state.candidate(request.path_params["candidate_id"]))
        return Response.empty(204)

    # attachments
    def _upload(self, request: Request, candidate_id: str, job_id: str | None) -> Response:
        candidate = self.state.candidate(candidate_id)
        if job_id is not None:
            self.state.application_for(candidate_id, job_id)
        if request.content_type != "multipart/form-data":
            raise Invalid("Content-Type must be multipart/form-data", "INVALID_CONTENT_TYPE")
        upload = request.file("file")
        if upload is None:
            raise Invalid("file: must not be null")
        attachment_type = request.form_value("attachmentType") or "GENERIC_FILE"
        if attachment_type not in ATTACHMENT_TYPES:
            raise Invalid(f"attachmentType: must be one of {', '.join(ATTACHMENT_TYPES)}")
        attachment = self.state.add_attachment(
            candidate,
            job_id=job_id,
            name=upload.filename,
            type_=attachment_type,
            content_type=upload.content_type,
            content=upload.content,
        )
        return Response.json(render.attachment(attachment, request.base_url, for_job=job_id is not None), 201)

    def attachments_list(self, request: Request) -> Response:
        # All of the person's files, profile-level and per application (our choice; the docs do not say).
        candidate = self.state.candidate(request.path_params["candidate_id"])
        items = [a for a in self.state.attachments.values() if a.candidate_id == candidate.id]
        content = [render.attachment(item, request.base_url) for item in items]
        return Response.json({"totalFound": len(content), "content": content})

    def attachments_add(self, request: Request) -> Response:
        return self._upload(request, request.path_params["candidate_id"], None)

    def job_attachments_list(self, request: Request) -> Response:
        application = self._application(request)
        items = [
            a
            for a in self.state.attachments.values()
            if a.candidate_id == application.candidate_id and a.job_id == application.job_id
        ]
        content = [render.attachment(item, request.base_url, for_job=True) for item in items]
        return Response.json({"totalFound": len(content), "content": content})

    def job_attachments_add(self, request: Request) -> Response:
        return self._upload(request, request.path_params["candidate_id"], request.path_params["job_id"])

    def _attachment_bytes(self, attachment_id: str, candidate_id: str | None) -> Response:
        attachment = self.state.attachments.get(attachment_id)
        if attachment is None or (candidate_id is not None and attachment.candidate_id != candidate_id):
            raise Missing("Attachment", attachment_id)
        return Response.binary(attachment.content, attachment.content_type, attachment.name)

    def attachments_download(self, request: Request) -> Response:
        self.state.candidate(request.path_params["candidate_id"])
        return self._attachment_bytes(request.path_params["attachment_id"], request.path_params["candidate_id"])

    def attachments_download_any(self, request: Request) -> Response:
        return self._attachment_bytes(request.path_params["attachment_id"], None)

    def attachments_delete(self, request: Request) -> Response:
        self.state.delete_attachment(request.path_params["attachment_id"])
        return Response.empty(204)

    # offers
    def offers_for_application(self, request: Request) -> Response:
        application = self._application(request)
        items = [
            offer
            for offer in self.state.offers.values()
            if offer.candidate_id == application.candidate_id and offer.job_id == application.job_id
        ]
        content = [render.offer(item, request.base_url) for item in items]
        return Response.json({"limit": 100, "offset": 0, "totalFound": len(content), "content": content})

    def offers_get(self, request: Request) -> Response:
        application = self._application(request)
        offer = self.state.offers.get(request.path_params["offer_id"])
        if offer is None or offer.candidate_id != application.candidate_id or offer.job_id != application.job_id:
            raise Missing("Offer", request.path_params["offer_id"])
        return Response.json(render.offer(offer, request.base_url))

    def offers_list(self, request: Request) -> Response:
        limit = request.int_arg("limit", 10, minimum=1, maximum=100)
        offset = request.int_arg("offset", 0)
        created_after = _time_arg(request, "createdAfter")
        created_before = _time_arg(request, "createdBefore")
        statuses = set(request.args("status"))
        if statuses - set(OFFER_STATUSES):
            raise Invalid(f"status: must be one of {', '.join(OFFER_STATUSES)}")
        offers = sorted(
            (
                offer
                for offer in self.state.offers.values()
                if (created_after is None or offer.created_on > created_after)
                and (created_before is None or offer.created_on < created_before)
                and (not statuses or offer.status in statuses)
            ),
            key=lambda offer: (offer.created_on, offer.id),
        )
        page = offers[offset : offset + limit]
        return Response.json(
            {
                "limit": limit,
                "offset": offset,
                "totalFound": len(offers),
                "content": [render.offer(item, request.base_url) for item in page],
            }
        )
