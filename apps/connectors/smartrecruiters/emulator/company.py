"""SmartRecruiters emulator: messages (notes), interviews, users and configuration."""

from __future__ import annotations

from apps.connectors.emulation.http import Request, Response
from apps.connectors.smartrecruiters.emulator import render
from apps.connectors.smartrecruiters.emulator.dump import _process_json
from apps.connectors.smartrecruiters.emulator.model import Invalid, Missing
from apps.connectors.smartrecruiters.emulator.params import (
    _keyset_page,
    _limit,
    _time_arg,
)


class CompanyApi:
    """Handlers of `/messages`, `/interviews`, `/users` and `/configuration` (mixed into the emulator)."""

    # ------------------------------------------------------------------ messages
    def messages_share(self, request: Request) -> Response:
        principal = request.principal
        message = self.state.share_message(request.json_object(), principal.subject if principal else None)
        share_required = not (message.users or message.hiring_team_of or message.everyone or message.open_note)
        return Response.json({"id": message.id, "shareRequired": share_required}, 201)

    def messages_delete(self, request: Request) -> Response:
        if self.state.messages.pop(request.path_params["message_id"], None) is None:
            raise Missing("Message", request.path_params["message_id"])
        return Response.empty(204)

    def messages_list(self, request: Request) -> Response:
        candidate_id = request.arg("candidateId")
        if not candidate_id:
            raise Invalid("candidateId: must not be null")
        self.state.candidate(candidate_id)
        job_id = request.arg("jobId")
        messages = sorted(
            (
                message
                for message in self.state.messages.values()
                if candidate_id in message.candidate_ids and (job_id is None or job_id in message.hiring_team_of)
            ),
            key=lambda message: (message.created_on, message.id),
        )
        content, _, next_page = _keyset_page(request, messages, default_limit=10, allow_offset=False)
        return Response.json(
            {
                "limit": _limit(request, 10),
                "nextPageId": next_page,
                "content": [render.message(item, candidate_id) for item in content],
            }
        )

    # ------------------------------------------------------------------ interviews
    def interviews_create(self, request: Request) -> Response:
        interview = self.state.create_interview(request.json_object())
        return Response.json(render.interview(interview), 201)

    def interviews_list(self, request: Request) -> Response:
        application_id = request.arg("applicationId")
        if not application_id:
            raise Invalid("applicationId: must not be null")
        if application_id not in self.state.applications:
            raise Missing("Job application", application_id)
        items = sorted(
            (item for item in self.state.interviews.values() if item.application_id == application_id),
            key=lambda item: (item.created_on, item.id),
        )
        return Response.json({"content": [render.interview(item) for item in items]})

    def interviews_get(self, request: Request) -> Response:
        interview = self.state.interviews.get(request.path_params["interview_id"])
        if interview is None:
            raise Missing("Interview", request.path_params["interview_id"])
        return Response.json(render.interview(interview))

    def interviews_delete(self, request: Request) -> Response:
        if self.state.interviews.pop(request.path_params["interview_id"], None) is None:
            raise Missing("Interview", request.path_params["interview_id"])
        return Response.empty(204)

    # ------------------------------------------------------------------ users
    def users_list(self, request: Request) -> Response:
        updated_after = _time_arg(request, "updatedAfter")
        users = [user for user in self.state.users.values() if updated_after is None or user.updated_on > updated_after]
        content, _, next_page = _keyset_page(request, users, default_limit=100, allow_offset=False)
        return Response.json(
            {
                "limit": _limit(request, 100),
                "nextPageId": next_page,
                "content": [render.user(self.state, user) for user in content],
            }
        )

    def users_get(self, request: Request) -> Response:
        return Response.json(render.user(self.state, self.state.user(request.path_params["user_id"])))

    def users_me(self, request: Request) -> Response:
        principal = request.principal
        user_id = principal.subject if principal and principal.subject else self.state.owner_user_id
        return Response.json(render.user(self.state, self.state.user(user_id or "")))

    # ------------------------------------------------------------------ configuration
    def config_hiring_processes(self, request: Request) -> Response:
        content = [_process_json(process) for process in self.state.hiring_processes.values()]
        return Response.json({"totalFound": len(content), "content": content})

    def config_hiring_process(self, request: Request) -> Response:
        process = self.state.hiring_processes.get(request.path_params["process_id"])
        if process is None:
            raise Missing("Hiring process", request.path_params["process_id"])
        return Response.json(_process_json(process))

    def config_rejection_reasons(self, request: Request) -> Response:
        content = [{"id": r.id, "label": r.label} for r in self.state.rejection_reasons.values()]
        return Response.json({"totalFound": len(content), "content": content})

    def config_withdrawal_reasons(self, request: Request) -> Response:
        content = [{"id": r.id, "label": r.label} for r in self.state.withdrawal_reasons.values()]
        return Response.json({"totalFound": len(content), "content": content})

    def config_departments(self, request: Request) -> Response:
        content = [{"id": dept_id, "label": label} for dept_id, label in self.state.departments.items()]
        return Response.json({"totalFound": len(content), "content": content})

    def config_source_types(self, request: Request) -> Response:
        content = [render.source_type(item, request.base_url) for item in self.state.source_types.values()]
        return Response.json({"totalFound": len(content), "content": content})

    def config_source_values(self, request: Request) -> Response:
        type_id = request.path_params["source_type"]
        if type_id not in self.state.source_types:
            raise Missing("Source type", type_id)
        subtype = request.arg("sourceSubType")
        limit = request.int_arg("limit", 100, minimum=1, maximum=100)
        offset = request.int_arg("offset", 0)
        values = [
            value
            for value in self.state.source_values.values()
            if value.type_id == type_id and not value.deleted and (subtype is None or value.subtype_id == subtype)
        ]
        return Response.json(
            {
                "totalFound": len(values),
                "limit": limit,
                "offset": offset,
                "content": [render.source_value(item, request.base_url) for item in values[offset : offset + limit]],
            }
        )

    def config_source_value(self, request: Request) -> Response:
        type_id, value_id = request.path_params["source_type"], request.path_params["value_id"]
        value = self.state.source_value(type_id, value_id)
        subtype = request.arg("sourceSubType")
        if value is None or (subtype is not None and value.subtype_id != subtype):
            raise Missing("Source", value_id)
        return Response.json(render.source_value(value, request.base_url))

    def config_source_definition(self, request: Request) -> Response:
        # "by identifier (included deleted source)" (SR-RB): deleted custom sources still answer here.
        value = self.state.source_values.get(request.path_params["source_identifier"])
        if value is None:
            raise Missing("Source", request.path_params["source_identifier"])
        return Response.json({"label": value.label, "subType": value.subtype_id, "type": value.type_id})
