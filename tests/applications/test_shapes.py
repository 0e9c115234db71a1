"""Rendered pages against their two descriptions: our OpenAPI serializers and the official SDK's models.

Every list is rendered from a fully populated record (every screening question format, answer type and
scorecard response type), then walked key by key: the keys must equal the serializer's fields exactly (the
OpenAPI document says what we send), and every key the SDK models must be present (R and RN keys included).
"""

from __future__ import annotations

import typing
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from drf_spectacular.utils import PolymorphicProxySerializer
from kombo import models as sdk
from pydantic import BaseModel
from rest_framework import serializers

from apps.applications import apis, presenters, schema
from apps.applications.enums import QuestionFormat
from apps.applications.query import ListQuery
from apps.core.timeutils import format_datetime
from apps.integrations.models import Integration
from tests.factories import applications as f

WHEN = datetime(2024, 5, 2, 8, 30, 15, 123456, tzinfo=UTC)

SCREENING_ANSWERS = [
    {"question": {"remote_id": "q1", "title": "Why us?", "type": "TEXT"}, "answer": {"content": "Because."}},
    {"question": {"remote_id": "q2", "title": "Office", "type": "SINGLE_SELECT"}, "answer": {"choice": "ber"}},
    {"question": {"remote_id": "q3", "title": "Skills", "type": "MULTI_SELECT"}, "answer": {"choices": ["py", "go"]}},
    {"question": {"remote_id": "q4", "title": "Permit", "type": "BOOLEAN"}, "answer": {"checked": True}},
    {"question": {"remote_id": "q5", "title": "Years", "type": "NUMBER"}, "answer": {"number": 7}},
    {"question": {"remote_id": "q6", "title": "Start", "type": "DATE"}, "answer": {"date": "2024-09-01T00:00:00Z"}},
    {"question": {"remote_id": None, "title": "Other", "type": "UNKNOWN"}, "answer": {"raw": {"x": 1}}},
]
SCORECARD_RESPONSES = [
    {"type": "TEXT", "remote_id": "r1", "label": "Summary", "description": "d", "required": True, "answer": "ok"},
    {
        "type": "SINGLE_SELECT",
        "remote_id": "r2",
        "label": "Verdict",
        "description": None,
        "required": False,
        "options": [{"remote_id": "y", "label": "Yes"}, {"remote_id": "n", "label": "No"}],
        "answer": {"remote_id": "y", "label": "Yes"},
    },
    {
        "type": "MULTI_SELECT",
        "remote_id": "r3",
        "label": "Strengths",
        "description": None,
        "required": None,
        "options": [{"remote_id": "a", "label": "A"}],
        "answer": [{"remote_id": "a", "label": "A"}],
    },
    {"type": "BOOLEAN", "remote_id": "r4", "label": "Hire?", "description": None, "required": True, "answer": False},
    {"type": "NUMBER", "remote_id": "r5", "label": "Score", "description": None, "required": True, "answer": 4.5},
    {
        "type": "DATE",
        "remote_id": "r6",
        "label": "Start",
        "description": None,
        "required": False,
        "answer": "2024-09-01",
    },
]
FORMAT_DETAILS = {
    QuestionFormat.TEXT: {"display_type": "EMAIL", "max_length": 80},
    QuestionFormat.NUMBER: {"display_type": "SLIDER", "min": 0, "max": 10},
    QuestionFormat.FILE: {"accepted_mime_types": ["application/pdf"], "max_file_size_bytes": 1000},
    QuestionFormat.SINGLE_SELECT: {"display_type": "DROPDOWN"},
    QuestionFormat.UNKNOWN: {"raw_question": {"kind": "matrix"}},
}
LOCATION = {"city": "Berlin", "country": "DE", "raw": "Berlin, DE", "state": "BE", "street_1": "A", "street_2": "B"}
FIELDS = [{"key": "dept", "type": "CUSTOM", "value": "R&D", "label": "Department"}]


@pytest.fixture
def rich(integration: Integration) -> None:
    """One record of everything, every optional value set."""
    user = f.AtsUserFactory(integration=integration, integration_fields=FIELDS)
    f.UserRoleAssignmentFactory(integration=integration, user=user)
    job = f.JobFactory(
        integration=integration,
        location=LOCATION,
        contact=user,
        opened_at=WHEN,
        weekly_hours=40,
        salary_amount=1.5,
        custom_fields={"a": 1},
        integration_fields=FIELDS,
    )
    stage = f.ApplicationStageFactory(integration=integration, custom_fields={"c": True})
    f.JobStageFactory(integration=integration, job=job, stage=stage, index=0)
    for index, kind in enumerate(QuestionFormat.values):
        f.ScreeningQuestionFactory(
            integration=integration,
            job=job,
            remote_id=f"q-{kind}",
            format_type=kind,
            format_details=FORMAT_DETAILS.get(kind, {}),
            options=[{"remote_id": "o1", "name": "One"}],
            category="EEO",
            index=index,
            precondition_question_remote_id="q-BOOLEAN",
            precondition_options=[True],
        )
    f.JobPostingFactory(integration=integration, job=job, description_html="<p>x</p>")
    f.HiringTeamMemberFactory(integration=integration, job=job, user=user)
    candidate = f.CandidateFactory(
        integration=integration,
        phone_numbers=[{"phone_number": "+1", "type": "WORK"}],
        social_media=[{"link": "https://x.example", "type": "X", "username": "x"}],
        location=LOCATION,
        integration_fields=FIELDS,
        company="Acme",
        confidential=False,
    )
    f.CandidateTagFactory(integration=integration, candidate=candidate)
    application = f.ApplicationFactory(
        integration=integration,
        job=job,
        current_stage=stage,
        candidate=candidate,
        link_stage=False,
        screening_question_answers=SCREENING_ANSWERS,
        integration_fields=FIELDS,
        rejected_at=WHEN,
        rejection_reason_name="Too late",
    )
    interview = f.InterviewFactory(integration=integration, application=application, location=LOCATION)
    f.InterviewUserFactory(integration=integration, interview=interview, user=user)
    f.OfferFactory(integration=integration, application=application, employment_start_date=WHEN)
    f.NoteFactory(integration=integration, application=application, author=user)
    f.ScorecardFactory(integration=integration, interview=interview, author=user, responses=SCORECARD_RESPONSES)
    f.AttachmentFactory(integration=integration, application=application)
    f.TagFactory(integration=integration)
    f.RejectionReasonFactory(integration=integration)


LISTS = [
    (apis.JobsApi, sdk.GetAtsJobsPositiveResponse),
    (apis.ApplicationsApi, sdk.GetAtsApplicationsPositiveResponse),
    (apis.CandidatesApi, sdk.GetAtsCandidatesPositiveResponse),
    (apis.TagsApi, sdk.GetAtsTagsPositiveResponse),
    (apis.ApplicationStagesApi, sdk.GetAtsApplicationStagesPositiveResponse),
    (apis.UsersApi, sdk.GetAtsUsersPositiveResponse),
    (apis.RolesApi, sdk.GetAtsRolesPositiveResponse),
    (apis.OffersApi, sdk.GetAtsOffersPositiveResponse),
    (apis.RejectionReasonsApi, sdk.GetAtsRejectionReasonsPositiveResponse),
    (apis.InterviewsApi, sdk.GetAtsInterviewsPositiveResponse),
    (apis.NotesApi, sdk.GetAtsNotesPositiveResponse),
    (apis.ScorecardsApi, sdk.GetAtsScorecardsPositiveResponse),
    (apis.AttachmentsApi, sdk.GetAtsAttachmentsPositiveResponse),
]


def _rendered(api: type[apis.AtsListApi], integration: Integration) -> list[dict[str, Any]]:
    page = api.selector(integration=integration, query=ListQuery(page_size=250))
    return [api.presenter(row) for row in page.results]


def _instance(candidate: Any) -> serializers.Field:
    return candidate() if isinstance(candidate, type) else candidate


def _variant(field: PolymorphicProxySerializer, value: dict[str, Any]) -> serializers.Serializer:
    options = field.serializers
    if isinstance(options, dict):
        return _instance(options[value[field.resource_type_field_name]])
    for option in map(_instance, options):  # screening answers: the answer key picks the variant
        if set(option.fields["answer"].fields) == set(value["answer"]):
            return option
    raise AssertionError(f"no variant for {value}")


def assert_matches_schema(value: Any, field: serializers.Field, path: str) -> None:
    if value is None:
        assert field.allow_null, f"{path} is null but not nullable"
        return
    if isinstance(field, serializers.ListSerializer | serializers.ListField):
        assert isinstance(value, list), path
        for index, item in enumerate(value):
            assert_matches_schema(item, field.child, f"{path}[{index}]")
    elif isinstance(field, PolymorphicProxySerializer):
        assert_matches_schema(value, _variant(field, value), path)
    elif isinstance(field, serializers.Serializer):
        assert isinstance(value, dict), path
        assert set(value) == set(field.fields), f"{path}: rendered {sorted(value)} != schema {sorted(field.fields)}"
        for key, child in field.fields.items():
            assert_matches_schema(value[key], child, f"{path}.{key}")
    elif isinstance(field, serializers.ChoiceField):
        assert value in field.choices, f"{path}: {value!r} not in {list(field.choices)}"


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for argument in typing.get_args(annotation):
        found.extend(_models_in(argument))
    return found


def assert_has_sdk_keys(value: Any, model: type[BaseModel], path: str) -> None:
    """Every key the SDK model declares is present; nested models are followed where unambiguous."""
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key == "type" and key not in value and "TYPE" in model.model_fields:
            continue
        assert key in value, f"{path}: the SDK expects {key!r}"
        nested = _models_in(info.annotation)
        child = value[key]
        if len(nested) != 1 or child is None:
            continue
        for index, item in enumerate(child if isinstance(child, list) else [child]):
            assert_has_sdk_keys(item, nested[0], f"{path}.{key}[{index}]")


def _sdk_item_model(response_model: type[BaseModel]) -> type[BaseModel]:
    data = response_model.model_fields["data"].annotation
    (item,) = _models_in(data.model_fields["results"].annotation)
    return item


@pytest.mark.parametrize(("api", "sdk_model"), LISTS, ids=[api.__name__ for api, _ in LISTS])
def test_rendered_keys_equal_the_schema_and_cover_the_sdk(
    rich: None, integration: Integration, api: type[apis.AtsListApi], sdk_model: type[BaseModel]
) -> None:
    rendered = _rendered(api, integration)
    item_serializer = _schema_item(api)

    assert rendered, "the rich dataset must fill every list"
    for index, item in enumerate(rendered):
        assert_matches_schema(item, item_serializer, f"{api.__name__}[{index}]")
        assert_has_sdk_keys(item, _sdk_item_model(sdk_model), f"{api.__name__}[{index}]")
    sdk_model.model_validate({"status": "success", "data": {"next": None, "results": rendered}})


def _schema_item(api: type[apis.AtsListApi]) -> serializers.Serializer:
    return {
        apis.JobsApi: schema.AtsJobSerializer,
        apis.ApplicationsApi: schema.AtsApplicationSerializer,
        apis.CandidatesApi: schema.AtsCandidateSerializer,
        apis.TagsApi: schema.AtsTagSerializer,
        apis.ApplicationStagesApi: schema.AtsApplicationStageSerializer,
        apis.UsersApi: schema.AtsUserSerializer,
        apis.RolesApi: schema.AtsRoleSerializer,
        apis.OffersApi: schema.AtsOfferSerializer,
        apis.RejectionReasonsApi: schema.AtsRejectionReasonSerializer,
        apis.InterviewsApi: schema.AtsInterviewSerializer,
        apis.NotesApi: schema.AtsNoteSerializer,
        apis.ScorecardsApi: schema.AtsScorecardSerializer,
        apis.AttachmentsApi: schema.AtsAttachmentSerializer,
    }[api]()


def test_every_screening_question_format_and_answer_type_is_rendered(rich: None, integration: Integration) -> None:
    (job,) = _rendered(apis.JobsApi, integration)
    (application,) = _rendered(apis.ApplicationsApi, integration)
    (scorecard,) = _rendered(apis.ScorecardsApi, integration)

    assert [question["format"]["type"] for question in job["screening_questions"]] == QuestionFormat.values
    formats = {question["format"]["type"]: question["format"] for question in job["screening_questions"]}
    assert formats["NUMBER"] == {"type": "NUMBER", "display_type": "SLIDER", "max": 10, "min": 0}
    assert formats["FILE"] == {"type": "FILE", "accepted_mime_types": ["application/pdf"], "max_file_size_bytes": 1000}
    assert formats["UNKNOWN"] == {"type": "UNKNOWN", "raw_question": {"kind": "matrix"}}
    boolean_id = next(q["id"] for q in job["screening_questions"] if q["format"]["type"] == "BOOLEAN")
    assert {q["precondition_question_id"] for q in job["screening_questions"]} == {boolean_id}
    assert {tuple(q["precondition_options"]) for q in job["screening_questions"]} == {(True,)}
    assert application["screening_question_answers"] == SCREENING_ANSWERS
    assert [response["type"] for response in scorecard["responses"]] == [r["type"] for r in SCORECARD_RESPONSES]
    assert scorecard["responses"] == SCORECARD_RESPONSES
    assert presenters.present_location(LOCATION) == {**LOCATION, "zip_code": None}


def test_datetimes_are_utc_with_milliseconds_truncated_like_format_datetime(integration: Integration) -> None:
    almost = datetime(2024, 5, 2, 8, 30, 59, 999999, tzinfo=UTC)
    berlin = datetime(2024, 12, 31, 23, 59, 59, 123456, tzinfo=timezone(timedelta(hours=1)))
    f.TagFactory(integration=integration, changed_at=almost, remote_deleted_at=berlin)

    (tag,) = _rendered_with_deleted(apis.TagsApi, integration)

    assert (tag["changed_at"], tag["remote_deleted_at"]) == ("2024-05-02T08:30:59.999Z", "2024-12-31T22:59:59.123Z")
    assert (tag["changed_at"], tag["remote_deleted_at"]) == (format_datetime(almost), format_datetime(berlin))


def _rendered_with_deleted(api: type[apis.AtsListApi], integration: Integration) -> list[dict[str, Any]]:
    page = api.selector(integration=integration, query=ListQuery(include_deleted=True))
    return [api.presenter(row) for row in page.results]
