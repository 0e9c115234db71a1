"""The ATS write endpoints (contract §5) and the live attachment lists (§4.6): parse, call one service, answer.

Every write takes an optional `Idempotency-Key` header (see `writes.idempotency`). Responses carry
`Server-Timing: upstream;dur=<ms>, app;dur=<ms>`: time spent waiting for the ATS, and Tributary's own share.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.applications import apis, schema
from apps.applications.writes import import_schema, services
from apps.applications.writes import serializers as body
from apps.applications.writes.idempotency import HEADER, Attempt, WriteOutcome, idempotent_write, request_fingerprint
from apps.applications.writes.timing import upstream_clock
from apps.core.api.fields import StrictCharField
from apps.core.api.schema import EmptySerializer, error_responses, success_envelope
from apps.core.api.urls import public_base_url
from apps.integrations.authentication import prefetched_integration
from apps.integrations.models import Integration
from apps.integrations.selectors import integration_for_request

WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 429, 502, 503, 504)
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Makes a retried request return the first response without writing to the ATS again.",
)
Run = Callable[[Integration, Attempt], WriteOutcome]


# Body serializers by class, one set per thread (see `_validated`).
_serializers = threading.local()


def _validated(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """The request body, validated. Each thread keeps one serializer per class and validates every body with it:
    a new serializer deep-copies its whole tree of declared fields, which cost more than validating (the state
    of one validation, the body and DRF's `_validated_data`, `_errors` and `_data`, is dropped after it)."""
    kept: dict[type[serializers.Serializer], serializers.Serializer] = _serializers.__dict__.setdefault("kept", {})
    serializer = kept.get(serializer_class)
    if serializer is None:
        serializer = kept[serializer_class] = serializer_class(data=None)
    serializer.initial_data = request.data
    try:
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)
    finally:  # nothing of this body stays behind
        for state in ("initial_data", "_validated_data", "_errors", "_data"):
            serializer.__dict__.pop(state, None)


def _timed(response: Response, started: float, upstream_seconds: float) -> Response:
    total = time.perf_counter() - started
    response["Server-Timing"] = (
        f"upstream;dur={upstream_seconds * 1000:.2f}, app;dur={max(0.0, total - upstream_seconds) * 1000:.2f}"
    )
    return response


def _integration(request: Request) -> Integration:
    integration = prefetched_integration(request) or integration_for_request(request)
    # It was looked up within the API key's environment: keep that object (automatic attribution reads it).
    integration.environment = request.auth.environment  # type: ignore[union-attr]
    return integration


def _write(request: Request, run: Run) -> Response:
    """Run a write for the request's integration, once per Idempotency-Key."""
    started = time.perf_counter()
    integration = _integration(request)
    key = request.headers.get(HEADER, "").strip() or None
    with upstream_clock() as clock:
        status, data = idempotent_write(
            integration=integration,
            key=key,
            # Only a key's claim compares it (hashing the canonical body, a CV included, is not free).
            fingerprint=request_fingerprint(request.method or "", request.path, request.data) if key else "",
            run=lambda attempt: run(integration, attempt),
        )
    return _timed(Response(data, status=status), started, clock.seconds)


def _read(request: Request, run: Callable[[Integration], WriteOutcome]) -> Response:
    started = time.perf_counter()
    integration = _integration(request)
    with upstream_clock() as clock:
        outcome = run(integration)
    return _timed(Response(outcome.body()), started, clock.seconds)


def _schema(operation_id: str, name: str, request: Any, data: Any) -> Any:
    return extend_schema(
        operation_id=operation_id,
        request=request,
        parameters=[IDEMPOTENCY_PARAMETER] if request is not None else [],
        responses={200: success_envelope(name, data, warnings=True), **WRITE_ERRORS},
    )


# -- create ----------------------------------------------------------------------------------------------


class CreateApplicationApi(APIView):
    class InputSerializer(body.CreateApplicationBodySerializer):
        pass

    @_schema(
        "post_ats_jobs_job_id_applications", "PostAtsJobsJobIdApplications", InputSerializer,
        body.CreatedApplicationSerializer,
    )  # fmt: skip
    def post(self, request: Request, job_id: str) -> Response:
        data = _validated(self.InputSerializer, request)
        return _write(
            request,
            lambda integration, attempt: services.application_create(
                integration=integration, job_id=job_id, body=data, attempt=attempt
            ),
        )


class CandidatesApi(apis.CandidatesApi):
    """GET lists candidates (`apis.CandidatesApi`); POST creates one with an application (the legacy create)."""

    class CreateInputSerializer(body.CreateCandidateBodySerializer):
        pass

    @_schema("post_ats_candidates", "PostAtsCandidates", CreateInputSerializer, schema.AtsCandidateSerializer)
    def post(self, request: Request) -> Response:
        data = _validated(self.CreateInputSerializer, request)
        return _write(
            request,
            lambda integration, attempt: services.candidate_create(integration=integration, body=data, attempt=attempt),
        )


class ImportTrackedApplicationApi(APIView):
    # Every key a registered connector reads (`Connector.tracked_application_keys`), with its id fields.
    InputSerializer = import_schema.import_body_serializer()

    @_schema(
        "post_ats_import_tracked_application", "PostAtsImportTrackedApplication", InputSerializer,
        body.ImportedApplicationSerializer,
    )  # fmt: skip
    def post(self, request: Request) -> Response:
        data = _validated(self.InputSerializer, request)
        raw = request.data if isinstance(request.data, dict) else {}
        return _write(
            request,
            lambda integration, attempt: services.tracked_application_import(
                integration=integration, body=raw, tracked_at=data.get("tracked_at"), attempt=attempt
            ),
        )


# -- actions on applications -----------------------------------------------------------------------------


class MoveApplicationStageApi(APIView):
    class InputSerializer(serializers.Serializer):
        stage_id = StrictCharField(max_length=300)
        remote_fields = body.remote_fields_field()

    @_schema(
        "put_ats_applications_application_id_stage", "PutAtsApplicationsApplicationIdStage", InputSerializer,
        EmptySerializer,
    )  # fmt: skip
    def put(self, request: Request, application_id: str) -> Response:
        data = _validated(self.InputSerializer, request)
        return _write(
            request,
            lambda integration, attempt: services.application_move_stage(
                integration=integration, application_id=application_id, body=data, attempt=attempt
            ),
        )


class RejectApplicationApi(APIView):
    class InputSerializer(serializers.Serializer):
        rejection_reason_id = StrictCharField(max_length=300)
        note = StrictCharField(required=False, allow_null=True, allow_blank=True, max_length=20000)
        remote_fields = body.remote_fields_field()

    @_schema(
        "post_ats_applications_application_id_reject", "PostAtsApplicationsApplicationIdReject", InputSerializer,
        EmptySerializer,
    )  # fmt: skip
    def post(self, request: Request, application_id: str) -> Response:
        data = _validated(self.InputSerializer, request)
        return _write(
            request,
            lambda integration, attempt: services.application_reject(
                integration=integration, application_id=application_id, body=data, attempt=attempt
            ),
        )


class AddApplicationNoteApi(APIView):
    class InputSerializer(serializers.Serializer):
        content = StrictCharField(max_length=100_000, trim_whitespace=False)
        content_type = serializers.ChoiceField(choices=["PLAIN_TEXT"])
        remote_fields = body.remote_fields_field()

    @_schema(
        "post_ats_applications_application_id_notes", "PostAtsApplicationsApplicationIdNotes", InputSerializer,
        EmptySerializer,
    )  # fmt: skip
    def post(self, request: Request, application_id: str) -> Response:
        data = _validated(self.InputSerializer, request)
        return _write(
            request,
            lambda integration, attempt: services.application_add_note(
                integration=integration, application_id=application_id, body=data, attempt=attempt
            ),
        )


class AttachmentActionSerializer(serializers.Serializer):
    attachment = body.WriteAttachmentSerializer()
    remote_fields = body.remote_fields_field()


class AddApplicationAttachmentApi(APIView):
    class InputSerializer(AttachmentActionSerializer):
        pass

    @_schema(
        "post_ats_applications_application_id_attachments", "PostAtsApplicationsApplicationIdAttachments",
        InputSerializer, EmptySerializer,
    )  # fmt: skip
    def post(self, request: Request, application_id: str) -> Response:
        data = _validated(self.InputSerializer, request)
        return _write(
            request,
            lambda integration, attempt: services.application_add_attachment(
                integration=integration, application_id=application_id, body=data, attempt=attempt
            ),
        )

    @_schema(
        "get_ats_applications_application_id_attachments", "GetAtsApplicationsApplicationIdAttachments", None,
        body.LiveApplicationAttachmentsSerializer,
    )  # fmt: skip
    def get(self, request: Request, application_id: str) -> Response:
        base_url = public_base_url(request)
        return _read(
            request,
            lambda integration: services.application_attachments(
                integration=integration, application_id=application_id, base_url=base_url
            ),
        )


class ResultLinkAttributeSerializer(serializers.Serializer):
    key = StrictCharField(max_length=1000)
    value = StrictCharField(max_length=10_000, allow_blank=True)


class ResultLinkDetailsSerializer(serializers.Serializer):
    custom_field_name_prefix = StrictCharField(max_length=255, allow_blank=True)
    attributes = ResultLinkAttributeSerializer(many=True)


class ResultLinkSerializer(serializers.Serializer):
    label = StrictCharField(max_length=1000)
    url = body.HttpUrlField()
    details = ResultLinkDetailsSerializer(required=False, allow_null=True)
    remote_fields = body.remote_fields_field()


class AddApplicationResultLinkApi(APIView):
    class InputSerializer(ResultLinkSerializer):
        pass

    @_schema(
        "post_ats_applications_application_id_result_links", "PostAtsApplicationsApplicationIdResultLinks",
        InputSerializer, EmptySerializer,
    )  # fmt: skip
    def post(self, request: Request, application_id: str) -> Response:
        data = _validated(self.InputSerializer, request)
        return _write(
            request,
            lambda integration, attempt: services.application_add_result_link(
                integration=integration, application_id=application_id, body=data, attempt=attempt
            ),
        )


# -- actions on candidates -------------------------------------------------------------------------------


class AddCandidateAttachmentApi(APIView):
    class InputSerializer(AttachmentActionSerializer):
        pass

    @_schema(
        "post_ats_candidates_candidate_id_attachments", "PostAtsCandidatesCandidateIdAttachments", InputSerializer,
        EmptySerializer,
    )  # fmt: skip
    def post(self, request: Request, candidate_id: str) -> Response:
        data = _validated(self.InputSerializer, request)
        return _write(
            request,
            lambda integration, attempt: services.candidate_add_attachment(
                integration=integration, candidate_id=candidate_id, body=data, attempt=attempt
            ),
        )

    @_schema(
        "get_ats_candidates_candidate_id_attachments", "GetAtsCandidatesCandidateIdAttachments", None,
        body.LiveCandidateAttachmentsSerializer,
    )  # fmt: skip
    def get(self, request: Request, candidate_id: str) -> Response:
        base_url = public_base_url(request)
        return _read(
            request,
            lambda integration: services.candidate_attachments(
                integration=integration, candidate_id=candidate_id, base_url=base_url
            ),
        )


class AddCandidateResultLinkApi(APIView):
    class InputSerializer(ResultLinkSerializer):
        pass

    @_schema(
        "post_ats_candidates_candidate_id_result_links", "PostAtsCandidatesCandidateIdResultLinks", InputSerializer,
        EmptySerializer,
    )  # fmt: skip
    def post(self, request: Request, candidate_id: str) -> Response:
        data = _validated(self.InputSerializer, request)
        return _write(
            request,
            lambda integration, attempt: services.candidate_add_result_link(
                integration=integration, candidate_id=candidate_id, body=data, attempt=attempt
            ),
        )


class TagSerializer(serializers.Serializer):
    name = StrictCharField(max_length=255)


class CandidateTagsApi(APIView):
    class InputSerializer(serializers.Serializer):
        tag = TagSerializer()
        remote_fields = body.remote_fields_field()

    @_schema(
        "post_ats_candidates_candidate_id_tags", "PostAtsCandidatesCandidateIdTags", InputSerializer, EmptySerializer
    )
    def post(self, request: Request, candidate_id: str) -> Response:
        return self._tag(request, candidate_id, remove=False)

    @_schema(
        "delete_ats_candidates_candidate_id_tags", "DeleteAtsCandidatesCandidateIdTags", InputSerializer,
        EmptySerializer,
    )  # fmt: skip
    def delete(self, request: Request, candidate_id: str) -> Response:
        return self._tag(request, candidate_id, remove=True)

    def _tag(self, request: Request, candidate_id: str, *, remove: bool) -> Response:
        data = _validated(self.InputSerializer, request)
        return _write(
            request,
            lambda integration, attempt: services.candidate_tag(
                integration=integration, candidate_id=candidate_id, body=data, attempt=attempt, remove=remove
            ),
        )


# -- signed attachment downloads ---------------------------------------------------------------------------


class AttachmentDownloadApi(APIView):
    """GET the file behind a signed `data_url` (no API key: the URL itself is the short-lived permission)."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(exclude=True)
    def get(self, request: Request, token: str) -> HttpResponse:
        file, name, content_type = services.attachment_download(token=token)
        response = HttpResponse(file.content, content_type=content_type or "application/octet-stream")
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name or "file")
        response["Cache-Control"] = "private, no-store"
        return response
