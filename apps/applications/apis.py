"""The 13 ATS list endpoints (GET /v1/ats/...): parse the query, call one selector, render with presenters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.applications import activity_presenters, presenters, reference_presenters, schema, selectors
from apps.applications.enums import EmploymentType, JobStatus, JobVisibility, Outcome, RoleScope
from apps.applications.field_exposure import ENDPOINT_MODELS, expose, exposure_for
from apps.applications.paging import Page
from apps.applications.query import (
    CsvField,
    IsoDateTimeField,
    ListInputSerializer,
    TextFilterField,
    list_query_from,
    openapi_parameters,
    plain_list_query,
)
from apps.core.api.responses import page
from apps.core.api.schema import error_responses, list_envelope
from apps.integrations.authentication import prefetched_integration
from apps.integrations.selectors import integration_for_request


class AtsListApi(APIView):
    """GET a page of one ATS model for the integration named by `X-Integration-Id`."""

    InputSerializer: ClassVar[type[ListInputSerializer]] = ListInputSerializer
    selector: ClassVar[Callable[..., Page]]
    presenter: ClassVar[Callable[[Any], dict[str, Any]]]
    model: ClassVar[str | None] = None  # models with integration fields / custom fields (field_exposure.py)

    def get(self, request: Request) -> Response:
        given = _single_values(request)
        query = plain_list_query(given)
        if query is None:
            params = self.InputSerializer(data=given)
            params.is_valid(raise_exception=True)
            query = list_query_from(params.validated_data)
        # Loaded with the API key (one statement); asked for again only to word the error when it is not found.
        integration = prefetched_integration(request) or integration_for_request(request)
        result = type(self).selector(integration=integration, query=query)
        present = type(self).presenter
        exposure = exposure_for(integration, type(self).model)
        if exposure is None:
            return page([present(record) for record in result.results], result.next_cursor)
        records = [expose(present(record), record.get("remote_data"), exposure) for record in result.results]
        return page(records, result.next_cursor)


def _single_values(request: Request) -> dict[str, str]:
    """One string per parameter. A repeated list parameter (`ids=a&ids=b`, the exploded style) is joined with
    commas; a repeated single-value parameter then fails its own validation, naming the parameter."""
    return {name: ",".join(given) for name, given in request.query_params.lists()}


def _list_schema(name: str, operation_id: str, input_serializer: type[serializers.Serializer], item: Any) -> Any:
    return extend_schema_view(
        get=extend_schema(
            operation_id=operation_id,
            parameters=openapi_parameters(input_serializer),
            responses={200: list_envelope(name, item), **error_responses(400, 401, 404)},
        )
    )


class JobsInput(ListInputSerializer):
    job_codes = CsvField()
    post_url = TextFilterField()
    statuses = CsvField(choices=JobStatus.values)
    employment_types = CsvField(choices=EmploymentType.values)
    visibilities = CsvField(choices=JobVisibility.values)
    remote_created_after = IsoDateTimeField()
    name_contains = TextFilterField()


@_list_schema("GetAtsJobs", "get_ats_jobs", JobsInput, schema.AtsJobSerializer)
class JobsApi(AtsListApi):
    InputSerializer = JobsInput
    model = ENDPOINT_MODELS["jobs"]
    selector = staticmethod(selectors.job_list)
    presenter = staticmethod(presenters.present_job)


class ApplicationsInput(ListInputSerializer):
    outcomes = CsvField(choices=Outcome.values)
    job_ids = CsvField()
    job_remote_ids = CsvField()
    current_stage_ids = CsvField()
    remote_created_after = IsoDateTimeField()


@_list_schema("GetAtsApplications", "get_ats_applications", ApplicationsInput, schema.AtsApplicationSerializer)
class ApplicationsApi(AtsListApi):
    InputSerializer = ApplicationsInput
    model = ENDPOINT_MODELS["applications"]
    selector = staticmethod(selectors.application_list)
    presenter = staticmethod(presenters.present_application)


class CandidatesInput(ListInputSerializer):
    email = TextFilterField()
    job_ids = CsvField()
    first_name = TextFilterField()
    last_name = TextFilterField()


@_list_schema("GetAtsCandidates", "get_ats_candidates", CandidatesInput, schema.AtsCandidateSerializer)
class CandidatesApi(AtsListApi):
    InputSerializer = CandidatesInput
    model = ENDPOINT_MODELS["candidates"]
    selector = staticmethod(selectors.candidate_list)
    presenter = staticmethod(presenters.present_candidate)


@_list_schema("GetAtsTags", "get_ats_tags", ListInputSerializer, schema.AtsTagSerializer)
class TagsApi(AtsListApi):
    selector = staticmethod(selectors.tag_list)
    presenter = staticmethod(reference_presenters.present_tag)


@_list_schema(
    "GetAtsApplicationStages", "get_ats_application_stages", ListInputSerializer, schema.AtsApplicationStageSerializer
)
class ApplicationStagesApi(AtsListApi):
    selector = staticmethod(selectors.application_stage_list)
    presenter = staticmethod(reference_presenters.present_application_stage)


class UsersInput(ListInputSerializer):
    emails = CsvField()


@_list_schema("GetAtsUsers", "get_ats_users", UsersInput, schema.AtsUserSerializer)
class UsersApi(AtsListApi):
    InputSerializer = UsersInput
    selector = staticmethod(selectors.user_list)
    presenter = staticmethod(reference_presenters.present_user)


class RolesInput(ListInputSerializer):
    scopes = CsvField(choices=RoleScope.values)


@_list_schema("GetAtsRoles", "get_ats_roles", RolesInput, schema.AtsRoleSerializer)
class RolesApi(AtsListApi):
    InputSerializer = RolesInput
    selector = staticmethod(selectors.role_list)
    presenter = staticmethod(reference_presenters.present_role)


@_list_schema("GetAtsOffers", "get_ats_offers", ListInputSerializer, schema.AtsOfferSerializer)
class OffersApi(AtsListApi):
    selector = staticmethod(selectors.offer_list)
    presenter = staticmethod(activity_presenters.present_offer)


@_list_schema(
    "GetAtsRejectionReasons", "get_ats_rejection_reasons", ListInputSerializer, schema.AtsRejectionReasonSerializer
)
class RejectionReasonsApi(AtsListApi):
    selector = staticmethod(selectors.rejection_reason_list)
    presenter = staticmethod(reference_presenters.present_rejection_reason)


class InterviewsInput(ListInputSerializer):
    job_ids = CsvField()


@_list_schema("GetAtsInterviews", "get_ats_interviews", InterviewsInput, schema.AtsInterviewSerializer)
class InterviewsApi(AtsListApi):
    InputSerializer = InterviewsInput
    selector = staticmethod(selectors.interview_list)
    presenter = staticmethod(activity_presenters.present_interview)


class ByCandidateAndApplicationInput(ListInputSerializer):
    candidate_ids = CsvField()
    application_ids = CsvField()


@_list_schema("GetAtsNotes", "get_ats_notes", ByCandidateAndApplicationInput, schema.AtsNoteSerializer)
class NotesApi(AtsListApi):
    InputSerializer = ByCandidateAndApplicationInput
    selector = staticmethod(selectors.note_list)
    presenter = staticmethod(activity_presenters.present_note)


@_list_schema("GetAtsScorecards", "get_ats_scorecards", ByCandidateAndApplicationInput, schema.AtsScorecardSerializer)
class ScorecardsApi(AtsListApi):
    InputSerializer = ByCandidateAndApplicationInput
    selector = staticmethod(selectors.scorecard_list)
    presenter = staticmethod(activity_presenters.present_scorecard)


@_list_schema(
    "GetAtsAttachments", "get_ats_attachments", ByCandidateAndApplicationInput, schema.AtsAttachmentSerializer
)
class AttachmentsApi(AtsListApi):
    InputSerializer = ByCandidateAndApplicationInput
    selector = staticmethod(selectors.attachment_list)
    presenter = staticmethod(activity_presenters.present_attachment)
