"""The write endpoints' request bodies (contract §5) and response shapes, as DRF serializers.

Input serializers check shape, types and enums; every failure names its field the way the contract spells it
(`candidate.location.country`, `attachments[0].data`). What needs the job or the connector (screening answers,
stage and user ids, coverage) is checked by the services. Output serializers only describe the responses for
the OpenAPI document; rendering is in `apps.applications.writes.presenters`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pycountry
from django.core.validators import URLValidator
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from apps.applications import schema
from apps.applications.enums import AttachmentType, Outcome
from apps.core.api.fields import StrictCharField
from apps.core.api.schema_strict import SPACE
from apps.core.timeutils import parse_datetime

HTTP_URL = URLValidator(schemes=["http", "https"])
MESSAGE_COUNTRY = "expected an uppercase ISO 3166-1 alpha-2 country code such as DE or US, not {value!r}."
MESSAGE_ONE_SOURCE = "send exactly one of `data` (base64 content) and `data_url`."
MESSAGE_CONTENT_TYPE = "required when `data` is sent."


def _optional_text(max_length: int = 1000) -> serializers.CharField:
    return StrictCharField(required=False, allow_null=True, allow_blank=True, max_length=max_length)


# `HTTP_URL` (Django's URLValidator) as a schema pattern: http(s), a dotted host name with a TLD, an optional port,
# path and query; at most 2,048 characters (URLValidator's own limit). Stricter than the validator where it has to
# be (no IP addresses, IDNs or `localhost`), so a URL the schema allows is one we accept.
HTTP_URL_PATTERN = (
    "^[Hh][Tt][Tt][Pp][Ss]?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}"
    f"(?::[0-9]{{1,5}})?(?:[/?#][^{SPACE}]*)?$"  # SPACE: what URLValidator's `\s` refuses, in any dialect
)


@extend_schema_field({"type": "string", "format": "uri", "pattern": HTTP_URL_PATTERN, "maxLength": 2048})
class HttpUrlField(StrictCharField):
    """An absolute http(s) URL."""

    default_error_messages = {"invalid_url": "expected an absolute http or https URL."}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 4000)
        super().__init__(**kwargs)
        self.validators.append(self._check)

    def _check(self, value: str) -> None:
        try:
            HTTP_URL(value)
        except Exception:
            self.fail("invalid_url")


@extend_schema_field({"type": "string", "format": "date-time"})
class FlexibleDateField(serializers.Field):
    """A date, sent as `2021-01-01` or as a datetime (`2021-01-01T00:00:00`, what the SDK sends)."""

    default_error_messages = {"invalid": "expected an ISO-8601 date such as 2021-01-01."}

    def to_internal_value(self, data: Any) -> date:
        if isinstance(data, str):
            text = data.strip()
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass
            try:
                return parse_datetime(text).date()
            except (ValueError, OverflowError):
                pass
        self.fail("invalid")
        raise AssertionError  # unreachable: fail() raises

    def to_representation(self, value: date) -> str:
        return value.isoformat()


@extend_schema_field({"type": "string", "format": "date-time"})
class StrictDateTimeField(serializers.Field):
    """An ISO-8601 datetime; no zone means UTC."""

    default_error_messages = {"invalid": "expected an ISO-8601 datetime such as 2024-05-01T12:00:00.000Z."}

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str):
            try:
                return parse_datetime(data)
            except (ValueError, OverflowError):
                pass
        self.fail("invalid")
        raise AssertionError

    def to_representation(self, value: Any) -> str:
        return str(value.isoformat())


# Every code `CountryCodeField` accepts; the schema lists them, so a country the schema allows is one we take.
COUNTRY_CODES: tuple[str, ...] = tuple(sorted(country.alpha_2 for country in pycountry.countries))
_COUNTRY_CODE_SET = frozenset(COUNTRY_CODES)


@extend_schema_field({"type": "string", "enum": list(COUNTRY_CODES), "description": "ISO 3166-1 alpha-2, uppercase."})
class CountryCodeField(StrictCharField):
    """An uppercase ISO 3166-1 alpha-2 country code (`DE`, `US`)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(self._check)

    @staticmethod
    def _check(value: str) -> None:
        if value not in _COUNTRY_CODE_SET:
            raise serializers.ValidationError(MESSAGE_COUNTRY.format(value=value))


class _Typed(serializers.Serializer):
    type = serializers.ChoiceField(choices=["PERSONAL", "WORK", "OTHER"])


# -- the candidate (§5.1 body.candidate) ------------------------------------------------------------------


class WriteEmailAddressSerializer(_Typed):
    email_address = serializers.EmailField()


class WritePhoneNumberSerializer(_Typed):
    phone_number = StrictCharField(max_length=100)


class WriteLocationSerializer(serializers.Serializer):
    country = CountryCodeField()
    city = _optional_text(255)
    state = _optional_text(255)
    street_1 = _optional_text(500)
    zip_code = _optional_text(50)


class WriteSalaryExpectationsSerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=["MONTH", "YEAR"])
    amount = serializers.FloatField(min_value=0)


class WriteSocialLinkSerializer(serializers.Serializer):
    url = HttpUrlField()


class WriteCandidateSerializer(serializers.Serializer):
    first_name = StrictCharField(max_length=255)
    last_name = StrictCharField(max_length=255)
    email_address = serializers.EmailField()
    additional_email_addresses = WriteEmailAddressSerializer(many=True, required=False)
    company = _optional_text(255)
    title = _optional_text(255)
    phone_number = _optional_text(100)
    additional_phone_numbers = WritePhoneNumberSerializer(many=True, required=False)
    location = WriteLocationSerializer(required=False, allow_null=True)
    gender = serializers.ChoiceField(choices=["MALE", "FEMALE", "OTHER"], required=False, allow_null=True)
    availability_date = FlexibleDateField(required=False, allow_null=True)
    salary_expectations = WriteSalaryExpectationsSerializer(required=False, allow_null=True)
    social_links = WriteSocialLinkSerializer(many=True, required=False)


# -- files --------------------------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "format": "byte"})
class Base64TextField(serializers.Field):
    """Base64 file content, kept as text: decoded (and checked) by `apps.integrations.files`.

    Not a CharField: its per-character checks would walk megabytes of base64 in Python for nothing.
    """

    default_error_messages = {"invalid": "expected a base64 string."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return data

    def to_representation(self, value: str) -> str:
        return value


class _FileSerializer(serializers.Serializer):
    name = StrictCharField(max_length=255)
    content_type = _optional_text(255)
    data_url = HttpUrlField(required=False, allow_null=True)
    data = Base64TextField(required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        has_data, has_url = attrs.get("data") not in (None, ""), bool(attrs.get("data_url"))
        if has_data == has_url:
            raise serializers.ValidationError(MESSAGE_ONE_SOURCE)
        if has_data and not attrs.get("content_type"):
            raise serializers.ValidationError({"content_type": MESSAGE_CONTENT_TYPE})
        return attrs


class WriteAttachmentSerializer(_FileSerializer):
    type = serializers.ChoiceField(choices=AttachmentType.values)


# -- create application / candidate ---------------------------------------------------------------------


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string"},
            {"type": "number"},
            {"type": "boolean"},
            {"type": "array", "items": {"type": "string"}},
            {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "content_type": {"type": "string"},
                    "data_url": {"type": "string"},
                    "data": {"type": "string"},
                },
                "required": ["name"],
            },
        ]
    }
)
class ScreeningAnswerValueField(serializers.JSONField):
    """TEXT → string, NUMBER → number, BOOLEAN → boolean, DATE → ISO date, SINGLE_SELECT → option id,
    MULTI_SELECT → option ids, FILE → file object; checked against the question by the services."""


class WriteScreeningAnswerSerializer(serializers.Serializer):
    question_id = StrictCharField(max_length=255)
    answer = ScreeningAnswerValueField()


class WriteSourceSerializer(serializers.Serializer):
    name = _optional_text(255)
    unified_key = _optional_text(255)
    id = _optional_text(255)


class WriteSourcedBySerializer(serializers.Serializer):
    user_id = StrictCharField(max_length=300)


class WriteGdprConsentSerializer(serializers.Serializer):
    expires_at = StrictDateTimeField(required=False, allow_null=True)
    given = serializers.BooleanField(required=False, allow_null=True)


@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        # per tool an object (contract §5.3); a null under a tool's key is refused
        "additionalProperties": {"type": "object", "additionalProperties": {}},
        "description": "Per-tool passthrough fields; only the key of the integration's own tool is used.",
    }
)
class RemoteFieldsField(serializers.DictField):
    pass


def remote_fields_field() -> serializers.DictField:
    return RemoteFieldsField(
        child=serializers.JSONField(),
        required=False,
        allow_null=True,
        help_text="Per-tool passthrough fields; only the key of the integration's own tool is used.",
    )


def custom_fields_field() -> serializers.DictField:
    return serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        allow_null=True,
        help_text=(
            "Tributary extension: values for the environment's custom fields of candidates and applications, by "
            'key (`{"notice_period": 4}`). Each is written to the ATS field the integration maps the key to '
            "(`PUT /integrations/{id}/custom-fields/{id}`); an unknown or unmapped key is refused naming it. Where "
            "the ATS takes no such values through Tributary yet, they are dropped with a warning."
        ),
    )


class CreateApplicationBodySerializer(serializers.Serializer):
    candidate = WriteCandidateSerializer()
    stage_id = StrictCharField(required=False, allow_null=True, max_length=300)
    attachments = WriteAttachmentSerializer(many=True, required=False)
    source = WriteSourceSerializer(required=False, allow_null=True)
    sourced_by = WriteSourcedBySerializer(required=False, allow_null=True)
    gdpr_consent = WriteGdprConsentSerializer(required=False, allow_null=True)
    remote_fields = remote_fields_field()
    custom_fields = custom_fields_field()
    screening_question_answers = WriteScreeningAnswerSerializer(many=True, required=False)


class WriteApplicationTargetSerializer(serializers.Serializer):
    job_id = StrictCharField(max_length=300)
    stage_id = StrictCharField(required=False, allow_null=True, max_length=300)


class CreateCandidateBodySerializer(serializers.Serializer):
    candidate = WriteCandidateSerializer()
    application = WriteApplicationTargetSerializer()
    attachments = WriteAttachmentSerializer(many=True, required=False)
    source = WriteSourceSerializer(required=False, allow_null=True)
    sourced_by = WriteSourcedBySerializer(required=False, allow_null=True)
    gdpr_consent = WriteGdprConsentSerializer(required=False, allow_null=True)
    remote_fields = remote_fields_field()
    custom_fields = custom_fields_field()
    screening_question_answers = WriteScreeningAnswerSerializer(many=True, required=False)


# -- responses ----------------------------------------------------------------------------------------------


class CreatedApplicationStageSerializer(serializers.Serializer):
    id = StrictCharField()
    name = StrictCharField(allow_null=True)
    remote_id = StrictCharField(allow_null=True)
    index = serializers.IntegerField(allow_null=True)


class CreatedApplicationCandidateSerializer(serializers.Serializer):
    id = StrictCharField()
    remote_id = StrictCharField()
    first_name = StrictCharField(allow_null=True)
    last_name = StrictCharField(allow_null=True)
    company = StrictCharField(allow_null=True)
    title = StrictCharField(allow_null=True)
    confidential = serializers.BooleanField(allow_null=True)
    source = StrictCharField(allow_null=True)
    custom_fields = serializers.DictField(child=serializers.JSONField(), allow_null=True)
    integration_fields = schema.AtsIntegrationFieldSerializer(many=True)
    remote_url = StrictCharField(allow_null=True)
    remote_created_at = serializers.DateTimeField(allow_null=True)
    remote_updated_at = serializers.DateTimeField(allow_null=True)
    changed_at = serializers.DateTimeField()
    remote_deleted_at = serializers.DateTimeField(allow_null=True)
    tags = schema.AtsTagRefSerializer(many=True)
    phone_numbers = schema.AtsPhoneNumberSerializer(many=True)
    email_addresses = schema.AtsEmailAddressSerializer(many=True)
    social_media = schema.AtsSocialMediaSerializer(many=True)
    location = schema.AtsLocationSerializer(allow_null=True)


class CreatedApplicationSerializer(serializers.Serializer):
    id = StrictCharField()
    remote_id = StrictCharField(allow_null=True)
    outcome = serializers.ChoiceField(choices=Outcome.values, allow_null=True)
    rejection_reason_name = StrictCharField(allow_null=True)
    rejected_at = serializers.DateTimeField(allow_null=True)
    current_stage_id = StrictCharField(allow_null=True)
    job_id = StrictCharField(allow_null=True)
    candidate_id = StrictCharField(allow_null=True)
    custom_fields = serializers.DictField(child=serializers.JSONField(), allow_null=True)
    integration_fields = schema.AtsIntegrationFieldSerializer(many=True)
    remote_url = StrictCharField(allow_null=True)
    changed_at = serializers.DateTimeField()
    remote_deleted_at = serializers.DateTimeField(allow_null=True)
    remote_created_at = serializers.DateTimeField(allow_null=True)
    remote_updated_at = serializers.DateTimeField(allow_null=True)
    current_stage = CreatedApplicationStageSerializer(allow_null=True)
    job = schema.AtsJobRefSerializer(allow_null=True)
    candidate = CreatedApplicationCandidateSerializer(allow_null=True)
    screening_question_answers = serializers.ListField(
        child=PolymorphicProxySerializer(
            component_name="AtsScreeningQuestionAnswer",
            serializers=schema.SCREENING_ANSWER_SERIALIZERS,
            resource_type_field_name=None,
        )
    )


class ImportedApplicationSerializer(serializers.Serializer):
    id = StrictCharField()
    tracked_at = serializers.DateTimeField(allow_null=True)
    imported_id = serializers.DictField(
        child=serializers.DictField(child=StrictCharField()),
        help_text="The per-tool ids the application was imported by, as sent.",
    )


class LiveAttachmentSerializer(serializers.Serializer):
    id = StrictCharField()
    remote_id = StrictCharField()
    type = serializers.ChoiceField(choices=AttachmentType.values)
    data_url = StrictCharField(help_text="A short-lived Tributary URL that streams the file from the ATS.")
    file_name = StrictCharField()
    content_type = StrictCharField()
    remote_created_at = serializers.DateTimeField(allow_null=True)
    remote_updated_at = serializers.DateTimeField(allow_null=True)


class LiveCandidateAttachmentSerializer(LiveAttachmentSerializer):
    candidate_id = StrictCharField()
    application_id = StrictCharField(allow_null=True)


class LiveApplicationAttachmentsSerializer(serializers.Serializer):
    results = LiveAttachmentSerializer(many=True)


class LiveCandidateAttachmentsSerializer(serializers.Serializer):
    results = LiveCandidateAttachmentSerializer(many=True)
