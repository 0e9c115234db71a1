"""OpenAPI shapes of the /v1/ats lists (DRF serializers used only for the schema; rendering is in presenters).

Keep in step with `apps.applications.presenters`: `tests/applications/test_schema.py` checks that every
rendered key is declared here and the other way round.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from apps.applications.enums import (
    HIRING_TEAM_ROLES,
    QUESTION_DISPLAY_TYPES,
    AttachmentType,
    IntegrationFieldType,
    OfferStatus,
    Outcome,
    PostingStatus,
    PostingVisibility,
    QuestionCategory,
    QuestionFormat,
    RoleScope,
    RoleType,
    StageStatus,
    UserStatus,
)


def _text(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(allow_null=True, **kwargs)


def _when(**kwargs: Any) -> serializers.DateTimeField:
    return serializers.DateTimeField(allow_null=True, **kwargs)


def _choice(choices: Any, **kwargs: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=list(choices), allow_null=True, **kwargs)


def _open(known: Any) -> serializers.CharField:
    return serializers.CharField(allow_null=True, help_text=f"Open enum; known values: {', '.join(known)}.")


def _custom_fields() -> serializers.DictField:
    return serializers.DictField(child=serializers.JSONField(), allow_null=True)


class AtsLocationSerializer(serializers.Serializer):
    city = _text()
    country = _text(help_text="ISO 3166-1 alpha-2 where known.")
    raw = _text()
    state = _text()
    street_1 = _text()
    street_2 = _text()
    zip_code = _text()


class AtsIntegrationFieldSerializer(serializers.Serializer):
    id = serializers.CharField()
    key = serializers.CharField()
    type = serializers.ChoiceField(choices=IntegrationFieldType.values)
    value = serializers.JSONField(allow_null=True)
    label = _text()


class AtsEmailAddressSerializer(serializers.Serializer):
    type = _text()
    email_address = _text()


class AtsPhoneNumberSerializer(serializers.Serializer):
    phone_number = serializers.CharField()
    type = _text()


class AtsSocialMediaSerializer(serializers.Serializer):
    link = _text()
    type = _text()
    username = _text()


class AtsTagRefSerializer(serializers.Serializer):
    id = serializers.CharField()
    remote_id = _text()
    name = _text()


class AtsUserRefSerializer(serializers.Serializer):
    id = serializers.CharField()
    remote_id = _text()
    first_name = _text()
    last_name = _text()
    email = _text()


class AtsJobRefSerializer(serializers.Serializer):
    id = serializers.CharField()
    remote_id = serializers.CharField()
    name = _text()


class AtsCandidateRefSerializer(serializers.Serializer):
    id = serializers.CharField()
    remote_id = serializers.CharField()
    first_name = _text()
    last_name = _text()
    email_addresses = AtsEmailAddressSerializer(many=True)


# -- jobs ----------------------------------------------------------------------------------------------


class AtsJobStageSerializer(serializers.Serializer):
    id = serializers.CharField()
    remote_id = _text()
    name = _text()
    status = _choice(StageStatus.values)
    custom_fields = _custom_fields()
    index = serializers.IntegerField(allow_null=True)


class AtsQuestionOptionSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    remote_id = _text()


def _format(kind: str, **fields: serializers.Field) -> type[serializers.Serializer]:
    name = "".join(part.capitalize() for part in kind.split("_"))
    attrs: dict[str, Any] = {"type": serializers.ChoiceField(choices=[kind]), **fields}
    return type(f"AtsQuestionFormat{name}Serializer", (serializers.Serializer,), attrs)


QUESTION_FORMAT_SERIALIZERS: dict[str, type[serializers.Serializer]] = {
    QuestionFormat.TEXT.value: _format(
        "TEXT",
        display_type=_choice(QUESTION_DISPLAY_TYPES[QuestionFormat.TEXT]),
        max_length=serializers.IntegerField(allow_null=True),
    ),
    QuestionFormat.NUMBER.value: _format(
        "NUMBER",
        display_type=_choice(QUESTION_DISPLAY_TYPES[QuestionFormat.NUMBER]),
        max=serializers.FloatField(allow_null=True),
        min=serializers.FloatField(allow_null=True),
    ),
    QuestionFormat.FILE.value: _format(
        "FILE",
        accepted_mime_types=serializers.ListField(child=serializers.CharField(), allow_null=True),
        max_file_size_bytes=serializers.IntegerField(allow_null=True),
    ),
    QuestionFormat.SINGLE_SELECT.value: _format(
        "SINGLE_SELECT",
        options=AtsQuestionOptionSerializer(many=True),
        display_type=_choice(QUESTION_DISPLAY_TYPES[QuestionFormat.SINGLE_SELECT]),
    ),
    QuestionFormat.BOOLEAN.value: _format("BOOLEAN"),
    QuestionFormat.DATE.value: _format("DATE"),
    QuestionFormat.MULTI_SELECT.value: _format("MULTI_SELECT", options=AtsQuestionOptionSerializer(many=True)),
    QuestionFormat.INFORMATION.value: _format("INFORMATION"),
    QuestionFormat.UNKNOWN.value: _format("UNKNOWN", raw_question=serializers.JSONField(allow_null=True)),
}


class AtsScreeningQuestionSerializer(serializers.Serializer):
    id = serializers.CharField()
    remote_id = _text()
    title = _text()
    description = _text()
    category = _choice(QuestionCategory.values)
    required = serializers.BooleanField(allow_null=True)
    format = PolymorphicProxySerializer(
        component_name="AtsQuestionFormat",
        serializers=QUESTION_FORMAT_SERIALIZERS,
        resource_type_field_name="type",
    )
    index = serializers.IntegerField(allow_null=True)
    precondition_question_id = _text()
    precondition_options = serializers.ListField(
        child=serializers.JSONField(), allow_null=True, help_text="Option ids (select) or [true] / [false] (boolean)."
    )


class AtsJobPostingSerializer(serializers.Serializer):
    id = serializers.CharField()
    remote_id = _text()
    title = _text()
    description_html = _text()
    url = _text()
    status = _choice(PostingStatus.values)
    visibility = _choice(PostingVisibility.values)


class AtsJobRoleSerializer(serializers.Serializer):
    remote_id = _text()
    remote_label = _text()
    unified_type = _choice(RoleType.values)
    scope = serializers.ChoiceField(choices=[RoleScope.JOB.value])


class AtsHiringTeamMemberSerializer(serializers.Serializer):
    id = serializers.CharField()
    remote_id = _text()
    first_name = _text()
    last_name = _text()
    email = _text()
    hiring_team_roles = serializers.ListField(
        child=serializers.ChoiceField(choices=[role.value for role in HIRING_TEAM_ROLES])
    )
    job_roles = AtsJobRoleSerializer(many=True)


class AtsJobSerializer(serializers.Serializer):
    id = serializers.CharField()
    remote_id = serializers.CharField()
    name = _text()
    job_code = _text()
    description = _text()
    confidential = serializers.BooleanField(allow_null=True)
    weekly_hours = serializers.FloatField(allow_null=True)
    employment_type = _open(["FULL_TIME", "PART_TIME", "CONTRACT", "SEASONAL", "INTERNSHIP"])
    status = _open(["OPEN", "CLOSED", "DRAFT", "ARCHIVED"])
    visibility = _open(["PUBLIC", "INTERNAL", "UNLISTED", "CONFIDENTIAL"])
    category = _text()
    department = _text()
    post_url = _text()
    experience_level = _text()
    remote_work_status = _open(["REMOTE", "HYBRID", "TEMPORARY", "ON_SITE"])
    salary_amount = serializers.FloatField(allow_null=True)
    salary_amount_from = serializers.FloatField(allow_null=True)
    salary_amount_to = serializers.FloatField(allow_null=True)
    salary_currency = _text()
    salary_period = _open(["YEAR", "MONTH", "TWO_WEEKS", "WEEK", "DAY", "HOUR"])
    location = AtsLocationSerializer(allow_null=True)
    opened_at = _when()
    closed_at = _when()
    remote_url = _text()
    contact_id = _text(help_text="Deprecated: use hiring_team.")
    remote_created_at = _when()
    remote_updated_at = _when()
    changed_at = serializers.DateTimeField()
    remote_deleted_at = _when()
    custom_fields = _custom_fields()
    integration_fields = AtsIntegrationFieldSerializer(many=True)
    stages = AtsJobStageSerializer(many=True)
    screening_questions = AtsScreeningQuestionSerializer(many=True)
    job_postings = AtsJobPostingSerializer(many=True)
    hiring_team = AtsHiringTeamMemberSerializer(many=True)


# -- applications and candidates -----------------------------------------------------------------------


class AtsApplicationCandidateSerializer(serializers.Serializer):
    id = serializers.CharField()
    remote_id = serializers.CharField()
    first_name = _text()
    last_name = _text()
    source = _text()
    remote_url = _text()
    tags = AtsTagRefSerializer(many=True)
    email_addresses = AtsEmailAddressSerializer(many=True)
    phone_numbers = AtsPhoneNumberSerializer(many=True)
    social_media = AtsSocialMediaSerializer(many=True)


class AtsCurrentStageSerializer(serializers.Serializer):
    id = serializers.CharField()
    remote_id = _text()
    name = _text()
    status = _choice(StageStatus.values)
    custom_fields = _custom_fields()
    index = serializers.IntegerField(allow_null=True)


class AtsApplicationInterviewSerializer(serializers.Serializer):
    id = serializers.CharField()
    remote_id = _text()
    title = _text()
    starting_at = _when()
    ending_at = _when()
    canceled = serializers.BooleanField(allow_null=True)
    location = AtsLocationSerializer(allow_null=True)


class AtsApplicationOfferSerializer(serializers.Serializer):
    id = serializers.CharField()
    remote_id = _text()
    status = _choice(OfferStatus.values)


class AtsScreeningAnswerQuestionSerializer(serializers.Serializer):
    remote_id = _text()
    title = serializers.CharField()
    type = serializers.CharField()


def _answer(kind: str, key: str, value: serializers.Field) -> type[serializers.Serializer]:
    name = "".join(part.capitalize() for part in kind.split("_"))
    answer = type(f"AtsScreeningAnswer{name}ValueSerializer", (serializers.Serializer,), {key: value})
    return type(
        f"AtsScreeningAnswer{name}Serializer",
        (serializers.Serializer,),
        {"question": AtsScreeningAnswerQuestionSerializer(), "answer": answer()},
    )


SCREENING_ANSWER_SERIALIZERS: list[type[serializers.Serializer]] = [
    _answer("TEXT", "content", _text()),
    _answer("SINGLE_SELECT", "choice", _text()),
    _answer("MULTI_SELECT", "choices", serializers.ListField(child=serializers.CharField(), allow_null=True)),
    _answer("BOOLEAN", "checked", serializers.BooleanField(allow_null=True)),
    _answer("NUMBER", "number", serializers.FloatField(allow_null=True)),
    _answer("DATE", "date", _when()),
    _answer("UNKNOWN", "raw", serializers.JSONField(allow_null=True)),
]


class AtsApplicationSerializer(serializers.Serializer):
    id = serializers.CharField()
    remote_id = _text()
    outcome = _choice(Outcome.values)
    rejection_reason_name = _text()
    rejected_at = _when()
    current_stage_id = _text()
    job_id = _text()
    candidate_id = _text()
    custom_fields = _custom_fields()
    integration_fields = AtsIntegrationFieldSerializer(many=True)
    remote_url = _text()
    changed_at = serializers.DateTimeField()
    remote_deleted_at = _when()
    remote_created_at = _when()
    remote_updated_at = _when()
    candidate = AtsApplicationCandidateSerializer(allow_null=True)
    current_stage = AtsCurrentStageSerializer(allow_null=True)
    job = AtsJobRefSerializer(allow_null=True)
    interviews = AtsApplicationInterviewSerializer(many=True)
    offers = AtsApplicationOfferSerializer(many=True)
    screening_question_answers = serializers.ListField(
        child=PolymorphicProxySerializer(
            component_name="AtsScreeningQuestionAnswer",
            serializers=SCREENING_ANSWER_SERIALIZERS,
            resource_type_field_name=None,
        )
    )


class AtsCandidateApplicationStageSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = _text()
    remote_id = _text()
    index = serializers.IntegerField(allow_null=True)


class AtsCandidateApplicationSerializer(serializers.Serializer):
    id = serializers.CharField()
    remote_id = _text()
    outcome = _choice(Outcome.values)
    rejection_reason_name = _text()
    rejected_at = _when()
    remote_url = _text()
    changed_at = serializers.DateTimeField()
    remote_created_at = _when()
    remote_updated_at = _when()
    current_stage = AtsCandidateApplicationStageSerializer(allow_null=True)
    job = AtsJobRefSerializer(allow_null=True)


class AtsCandidateSerializer(serializers.Serializer):
    id = serializers.CharField()
    remote_id = serializers.CharField()
    first_name = _text()
    last_name = _text()
    company = _text()
    title = _text()
    confidential = serializers.BooleanField(allow_null=True)
    source = _text()
    custom_fields = _custom_fields()
    integration_fields = AtsIntegrationFieldSerializer(many=True)
    remote_url = _text()
    remote_created_at = _when()
    remote_updated_at = _when()
    changed_at = serializers.DateTimeField()
    remote_deleted_at = _when()
    applications = AtsCandidateApplicationSerializer(many=True)
    tags = AtsTagRefSerializer(many=True)
    phone_numbers = AtsPhoneNumberSerializer(many=True)
    email_addresses = AtsEmailAddressSerializer(many=True)
    social_media = AtsSocialMediaSerializer(many=True)
    location = AtsLocationSerializer(allow_null=True)


# -- reference data ------------------------------------------------------------------------------------


class AtsTagSerializer(serializers.Serializer):
    id = serializers.CharField()
    remote_id = _text()
    name = _text()
    changed_at = serializers.DateTimeField()
    remote_deleted_at = _when()


class AtsApplicationStageSerializer(serializers.Serializer):
    id = serializers.CharField()
    remote_id = _text()
    name = _text()
    status = _choice(StageStatus.values)
    custom_fields = _custom_fields()
    changed_at = serializers.DateTimeField()
    remote_deleted_at = _when()


class AtsRejectionReasonSerializer(serializers.Serializer):
    id = serializers.CharField()
    remote_id = serializers.CharField()
    name = _text()
    changed_at = serializers.DateTimeField()
    remote_deleted_at = _when()


class AtsRoleSerializer(serializers.Serializer):
    id = serializers.CharField()
    remote_id = _text()
    remote_label = _text()
    scope = _choice(RoleScope.values)
    unified_type = _choice(RoleType.values)
    changed_at = serializers.DateTimeField()
    remote_deleted_at = _when()


class AtsSystemRoleSerializer(serializers.Serializer):
    remote_id = _text()
    remote_label = _text()
    unified_type = _choice(RoleType.values)
    scope = serializers.ChoiceField(choices=[RoleScope.SYSTEM.value])


class AtsUserSerializer(serializers.Serializer):
    id = serializers.CharField()
    remote_id = _text()
    first_name = _text()
    last_name = _text()
    email = _text()
    status = _choice(UserStatus.values)
    integration_fields = AtsIntegrationFieldSerializer(many=True)
    changed_at = serializers.DateTimeField()
    remote_deleted_at = _when()
    system_roles = AtsSystemRoleSerializer(many=True)


# -- application activity ------------------------------------------------------------------------------


class AtsOfferApplicationSerializer(serializers.Serializer):
    candidate = AtsCandidateRefSerializer(allow_null=True)
    job = AtsJobRefSerializer(allow_null=True)


class AtsOfferSerializer(serializers.Serializer):
    id = serializers.CharField()
    remote_id = _text()
    status = _choice(OfferStatus.values)
    employment_start_date = _when()
    application_id = _text()
    custom_fields = _custom_fields()
    integration_fields = AtsIntegrationFieldSerializer(many=True)
    changed_at = serializers.DateTimeField()
    remote_deleted_at = _when()
    remote_created_at = _when()
    remote_updated_at = _when()
    application = AtsOfferApplicationSerializer(allow_null=True)


class AtsInterviewApplicationSerializer(serializers.Serializer):
    id = serializers.CharField()
    remote_id = _text()
    outcome = _choice(Outcome.values)
    rejection_reason_name = _text()
    candidate = AtsCandidateRefSerializer(allow_null=True)
    job = AtsJobRefSerializer(allow_null=True)


class AtsInterviewSerializer(serializers.Serializer):
    id = serializers.CharField()
    remote_id = _text()
    title = _text()
    starting_at = _when()
    ending_at = _when()
    video_conferencing_url = _text()
    application_id = _text()
    stage_id = _text()
    canceled = serializers.BooleanField(allow_null=True)
    integration_fields = AtsIntegrationFieldSerializer(many=True)
    remote_created_at = _when()
    remote_updated_at = _when()
    changed_at = serializers.DateTimeField()
    remote_deleted_at = _when()
    users = AtsUserRefSerializer(many=True)
    application = AtsInterviewApplicationSerializer(allow_null=True)
    location = AtsLocationSerializer(allow_null=True)


class AtsNoteSerializer(serializers.Serializer):
    id = serializers.CharField()
    remote_id = serializers.CharField()
    candidate_id = serializers.CharField()
    application_id = _text()
    author_id = _text()
    title = _text()
    content_html = _text()
    is_private = serializers.BooleanField(allow_null=True)
    integration_fields = AtsIntegrationFieldSerializer(many=True)
    remote_created_at = _when()
    remote_updated_at = _when()
    changed_at = serializers.DateTimeField()
    remote_deleted_at = _when()
    author = AtsUserRefSerializer(allow_null=True)


class AtsScorecardOptionSerializer(serializers.Serializer):
    remote_id = _text()
    label = serializers.CharField()


def _response(kind: str, **fields: serializers.Field) -> type[serializers.Serializer]:
    name = "".join(part.capitalize() for part in kind.split("_"))
    attrs: dict[str, Any] = {
        "type": serializers.ChoiceField(choices=[kind]),
        "remote_id": _text(),
        "label": serializers.CharField(),
        "description": _text(),
        "required": serializers.BooleanField(allow_null=True),
        **fields,
    }
    return type(f"AtsScorecardResponse{name}Serializer", (serializers.Serializer,), attrs)


SCORECARD_RESPONSE_SERIALIZERS: dict[str, type[serializers.Serializer]] = {
    "TEXT": _response("TEXT", answer=_text()),
    "SINGLE_SELECT": _response(
        "SINGLE_SELECT",
        options=AtsScorecardOptionSerializer(many=True),
        answer=AtsScorecardOptionSerializer(allow_null=True),
    ),
    "MULTI_SELECT": _response(
        "MULTI_SELECT",
        options=AtsScorecardOptionSerializer(many=True),
        answer=AtsScorecardOptionSerializer(many=True, allow_null=True),
    ),
    "BOOLEAN": _response("BOOLEAN", answer=serializers.BooleanField(allow_null=True)),
    "NUMBER": _response("NUMBER", answer=serializers.FloatField(allow_null=True)),
    "DATE": _response("DATE", answer=_text(help_text="YYYY-MM-DD")),
}


class AtsScorecardSerializer(serializers.Serializer):
    id = serializers.CharField()
    remote_id = serializers.CharField()
    candidate_id = _text()
    application_id = _text()
    interview_id = _text()
    author_id = _text()
    integration_fields = AtsIntegrationFieldSerializer(many=True)
    remote_created_at = _when()
    remote_updated_at = _when()
    changed_at = serializers.DateTimeField()
    remote_deleted_at = _when()
    author = AtsUserRefSerializer(allow_null=True)
    responses = serializers.ListField(
        child=PolymorphicProxySerializer(
            component_name="AtsScorecardResponse",
            serializers=SCORECARD_RESPONSE_SERIALIZERS,
            resource_type_field_name="type",
        )
    )


class AtsContentRefSerializer(serializers.Serializer):
    bucket = serializers.CharField()
    key = serializers.CharField()
    type = serializers.ChoiceField(choices=["s3"])


class AtsAttachmentSerializer(serializers.Serializer):
    id = serializers.CharField()
    remote_id = serializers.CharField()
    candidate_id = serializers.CharField()
    application_id = _text()
    type = _choice(AttachmentType.values)
    file_name = _text()
    integration_fields = AtsIntegrationFieldSerializer(many=True)
    remote_created_at = _when()
    remote_updated_at = _when()
    changed_at = serializers.DateTimeField()
    remote_deleted_at = _when()
    content_ref = AtsContentRefSerializer(allow_null=True)
