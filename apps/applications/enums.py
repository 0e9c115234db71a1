"""The unified ATS enums of the contract (`unified-api-kombo.md` §4).

Closed enums (the SDK rejects any other value) are stored with `choices` and rendered only when the stored
value is one of them. Open enums (job `status`, `employment_type`, `visibility`, `remote_work_status`,
`salary_period`) may hold any string the ATS sends; the classes below only list the known values, which the
list filters accept.
"""

from __future__ import annotations

from django.db import models

# -- closed enums ------------------------------------------------------------------------------------


class StageStatus(models.TextChoices):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"


class UserStatus(models.TextChoices):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"


class Outcome(models.TextChoices):
    PENDING = "PENDING"
    HIRED = "HIRED"
    DECLINED = "DECLINED"


class OfferStatus(models.TextChoices):
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    SENT = "SENT"
    APPROVED = "APPROVED"
    DRAFT = "DRAFT"
    ABANDONED = "ABANDONED"


class AttachmentType(models.TextChoices):
    CV = "CV"
    COVER_LETTER = "COVER_LETTER"
    OTHER = "OTHER"


class RoleType(models.TextChoices):
    HIRING_MANAGER = "HIRING_MANAGER"
    RECRUITER = "RECRUITER"
    COORDINATOR = "COORDINATOR"
    SOURCER = "SOURCER"
    INTERVIEWER = "INTERVIEWER"
    ADMIN = "ADMIN"


# The deprecated `hiring_team_roles` list has no ADMIN.
HIRING_TEAM_ROLES = (
    RoleType.HIRING_MANAGER,
    RoleType.RECRUITER,
    RoleType.COORDINATOR,
    RoleType.SOURCER,
    RoleType.INTERVIEWER,
)


class RoleScope(models.TextChoices):
    SYSTEM = "SYSTEM"
    JOB = "JOB"


class PostingStatus(models.TextChoices):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    DRAFT = "DRAFT"


class PostingVisibility(models.TextChoices):
    PUBLIC = "PUBLIC"
    INTERNAL = "INTERNAL"
    UNLISTED = "UNLISTED"


class QuestionCategory(models.TextChoices):
    EEO = "EEO"
    DEMOGRAPHIC = "DEMOGRAPHIC"


class QuestionFormat(models.TextChoices):
    """The nine screening question formats; each has its own detail keys (see `QUESTION_FORMAT_DETAILS`)."""

    TEXT = "TEXT"
    NUMBER = "NUMBER"
    FILE = "FILE"
    SINGLE_SELECT = "SINGLE_SELECT"
    BOOLEAN = "BOOLEAN"
    DATE = "DATE"
    MULTI_SELECT = "MULTI_SELECT"
    INFORMATION = "INFORMATION"
    UNKNOWN = "UNKNOWN"


# Keys of `ScreeningQuestion.format_details` per format (besides `type`, and `options` for the selects).
QUESTION_FORMAT_DETAILS: dict[str, tuple[str, ...]] = {
    QuestionFormat.TEXT: ("display_type", "max_length"),
    QuestionFormat.NUMBER: ("display_type", "max", "min"),
    QuestionFormat.FILE: ("accepted_mime_types", "max_file_size_bytes"),
    QuestionFormat.SINGLE_SELECT: ("display_type",),
    QuestionFormat.BOOLEAN: (),
    QuestionFormat.DATE: (),
    QuestionFormat.MULTI_SELECT: (),
    QuestionFormat.INFORMATION: (),
    QuestionFormat.UNKNOWN: ("raw_question",),
}

# Closed `display_type` values per format; anything else is rendered as null.
QUESTION_DISPLAY_TYPES: dict[str, tuple[str, ...]] = {
    QuestionFormat.TEXT: ("SINGLE_LINE", "MULTI_LINE", "EMAIL", "URL"),
    QuestionFormat.NUMBER: ("SLIDER", "FIELD"),
    QuestionFormat.SINGLE_SELECT: ("DROPDOWN", "RADIO"),
}

SELECT_FORMATS = (QuestionFormat.SINGLE_SELECT, QuestionFormat.MULTI_SELECT)


class ScreeningAnswerType(models.TextChoices):
    """`question.type` of a stored screening question answer and the answer key that goes with it."""

    TEXT = "TEXT"
    SINGLE_SELECT = "SINGLE_SELECT"
    MULTI_SELECT = "MULTI_SELECT"
    BOOLEAN = "BOOLEAN"
    NUMBER = "NUMBER"
    DATE = "DATE"
    UNKNOWN = "UNKNOWN"


SCREENING_ANSWER_KEYS: dict[str, str] = {
    ScreeningAnswerType.TEXT: "content",
    ScreeningAnswerType.SINGLE_SELECT: "choice",
    ScreeningAnswerType.MULTI_SELECT: "choices",
    ScreeningAnswerType.BOOLEAN: "checked",
    ScreeningAnswerType.NUMBER: "number",
    ScreeningAnswerType.DATE: "date",
    ScreeningAnswerType.UNKNOWN: "raw",
}


class ScorecardResponseType(models.TextChoices):
    TEXT = "TEXT"
    SINGLE_SELECT = "SINGLE_SELECT"
    MULTI_SELECT = "MULTI_SELECT"
    BOOLEAN = "BOOLEAN"
    NUMBER = "NUMBER"
    DATE = "DATE"


class IntegrationFieldType(models.TextChoices):
    DEFAULT = "DEFAULT"
    CUSTOM = "CUSTOM"


class TrackedVia(models.TextChoices):
    """How a candidate or application came to be tracked (synced by default)."""

    CREATED = "CREATED", "Created through Tributary"
    IMPORTED = "IMPORTED", "Imported (import-tracked-application)"


# -- open enums (known values; the filters accept exactly these) -------------------------------------


class JobStatus(models.TextChoices):
    OPEN = "OPEN"
    CLOSED = "CLOSED"
    DRAFT = "DRAFT"
    ARCHIVED = "ARCHIVED"


class EmploymentType(models.TextChoices):
    FULL_TIME = "FULL_TIME"
    PART_TIME = "PART_TIME"
    CONTRACT = "CONTRACT"
    SEASONAL = "SEASONAL"
    INTERNSHIP = "INTERNSHIP"


class JobVisibility(models.TextChoices):
    PUBLIC = "PUBLIC"
    INTERNAL = "INTERNAL"
    UNLISTED = "UNLISTED"
    CONFIDENTIAL = "CONFIDENTIAL"


class RemoteWorkStatus(models.TextChoices):
    REMOTE = "REMOTE"
    HYBRID = "HYBRID"
    TEMPORARY = "TEMPORARY"
    ON_SITE = "ON_SITE"


class SalaryPeriod(models.TextChoices):
    YEAR = "YEAR"
    MONTH = "MONTH"
    TWO_WEEKS = "TWO_WEEKS"
    WEEK = "WEEK"
    DAY = "DAY"
    HOUR = "HOUR"
