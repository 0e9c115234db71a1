"""Screening question answers checked against the job's questions and turned into remote ids.

Each answer must fit its question's format (TEXT max length, NUMBER min/max, option ids of the select formats,
BOOLEAN, DATE, FILE type and size). Required questions must be answered when they are shown: a question with
a precondition is shown only when its precondition question was answered with one of the precondition options
(option ids, or true/false). An answer to a question that is not shown is not sent (with a warning).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from apps.applications.enums import QuestionFormat
from apps.applications.models import ScreeningQuestion
from apps.connectors.dtos import AttachmentInput, ScreeningAnswerInput
from apps.core.api.errors import input_invalid
from apps.core.derived_ids import screening_option_id
from apps.core.timeutils import parse_datetime

FIELD = "screening_question_answers"
MESSAGE_UNKNOWN_QUESTION = "{field}.question_id: the job has no screening question {question_id!r}."
MESSAGE_TWICE = "{field}.question_id: question {question_id!r} is answered more than once."
MESSAGE_REQUIRED = "{field}: question {question_id!r} ({title}) is required."
MESSAGE_TYPE = "{field}.answer: {kind} questions take {expected}."
MESSAGE_TOO_LONG = "{field}.answer: at most {limit} characters ({length} given)."
MESSAGE_BELOW = "{field}.answer: must be at least {limit}."
MESSAGE_ABOVE = "{field}.answer: must be at most {limit}."
MESSAGE_OPTION = "{field}.answer: {value!r} is not an option of question {question_id!r}."
MESSAGE_DUPLICATE_OPTION = "{field}.answer: option {value!r} is chosen twice."
MESSAGE_MIME = "{field}.answer: the file type {content_type!r} is not accepted (accepted: {accepted})."
MESSAGE_FILE_SIZE = "{field}.answer: the file is larger than {limit} bytes."
WARNING_INFORMATION = "{field}: question {question_id!r} is an information block and takes no answer; not sent."
WARNING_HIDDEN = "{field}: question {question_id!r} is not shown for the other answers (precondition); not sent."

FileReader = Callable[[Mapping[str, Any], str], AttachmentInput]


def _options(question: ScreeningQuestion) -> dict[str, str]:
    """Our option id → the option's remote id (its name when the ATS gives options no id)."""
    mapping = {}
    for option in question.options or []:
        key = option.get("remote_id") or option.get("name")
        if key:
            mapping[screening_option_id(question.id, key)] = key
    return mapping


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _value(question: ScreeningQuestion, answer: Any, field: str, read_file: FileReader) -> Any:
    kind = question.format_type
    details = question.format_details or {}

    def wrong(expected: str) -> Exception:
        return input_invalid(MESSAGE_TYPE.format(field=field, kind=kind, expected=expected))

    if kind == QuestionFormat.TEXT:
        if not isinstance(answer, str):
            raise wrong("a string")
        limit = details.get("max_length")
        if _is_number(limit) and len(answer) > limit:
            raise input_invalid(MESSAGE_TOO_LONG.format(field=field, limit=limit, length=len(answer)))
        return answer
    if kind == QuestionFormat.NUMBER:
        if not _is_number(answer):
            raise wrong("a number")
        low, high = details.get("min"), details.get("max")
        if _is_number(low) and answer < low:
            raise input_invalid(MESSAGE_BELOW.format(field=field, limit=low))
        if _is_number(high) and answer > high:
            raise input_invalid(MESSAGE_ABOVE.format(field=field, limit=high))
        return float(answer)
    if kind == QuestionFormat.BOOLEAN:
        if not isinstance(answer, bool):
            raise wrong("true or false")
        return answer
    if kind == QuestionFormat.DATE:
        if not isinstance(answer, str):
            raise wrong("an ISO-8601 date such as 2024-01-31")
        try:
            return date.fromisoformat(answer.strip())
        except ValueError:
            pass
        try:
            return parse_datetime(answer).date()
        except (ValueError, OverflowError):
            raise wrong("an ISO-8601 date such as 2024-01-31") from None
    if kind in (QuestionFormat.SINGLE_SELECT, QuestionFormat.MULTI_SELECT):
        options = _options(question)
        chosen = [answer] if kind == QuestionFormat.SINGLE_SELECT else answer
        expected = "an option id" if kind == QuestionFormat.SINGLE_SELECT else "a list of option ids"
        if not isinstance(chosen, list) or not all(isinstance(item, str) for item in chosen):
            raise wrong(expected)
        seen: set[str] = set()
        for item in chosen:
            if item not in options:
                raise input_invalid(MESSAGE_OPTION.format(field=field, value=item, question_id=question.id))
            if item in seen:
                raise input_invalid(MESSAGE_DUPLICATE_OPTION.format(field=field, value=item))
            seen.add(item)
        remote = tuple(options[item] for item in chosen)
        return remote[0] if kind == QuestionFormat.SINGLE_SELECT else remote
    if kind == QuestionFormat.FILE:
        if not isinstance(answer, dict) or not isinstance(answer.get("name"), str):
            raise wrong("a file object with `name` and `data` or `data_url`")
        file = read_file(answer, f"{field}.answer")
        accepted = details.get("accepted_mime_types") or []
        if accepted and file.content_type not in accepted:
            raise input_invalid(
                MESSAGE_MIME.format(field=field, content_type=file.content_type, accepted=", ".join(accepted))
            )
        limit = details.get("max_file_size_bytes")
        if _is_number(limit) and len(file.data) > limit:
            raise input_invalid(MESSAGE_FILE_SIZE.format(field=field, limit=limit))
        return file
    return answer  # UNKNOWN: the format is unknown to us, so the ATS judges the value


def _shown(
    question: ScreeningQuestion, by_remote_id: Mapping[str, ScreeningQuestion], given: Mapping[str, Any]
) -> bool:
    """Whether the question is shown, given the (converted) answers by question remote id."""
    parent_remote_id = question.precondition_question_remote_id
    if not parent_remote_id:
        return True
    parent = by_remote_id.get(parent_remote_id)
    if parent is None:
        return True  # the precondition question is gone: nothing hides this one any more
    if not _shown(parent, by_remote_id, given) or parent.remote_id not in given:
        return False
    answer = given[parent.remote_id]
    wanted = list(question.precondition_options or [])
    if isinstance(answer, bool):
        return answer in [option for option in wanted if isinstance(option, bool)]
    chosen = answer if isinstance(answer, tuple) else (answer,)
    return any(option in wanted for option in chosen)


def screening_answers_from(
    answers: Sequence[Mapping[str, Any]],
    *,
    questions: Sequence[ScreeningQuestion],
    read_file: FileReader,
    warnings: list[str],
) -> tuple[ScreeningAnswerInput, ...]:
    """Check `answers` (the request's list) against the job's live questions; returns them by remote id."""
    by_id = {question.id: question for question in questions}
    by_remote_id = {question.remote_id: question for question in questions if question.remote_id}
    converted: dict[str, Any] = {}
    order: list[ScreeningQuestion] = []
    for index, entry in enumerate(answers):
        field = f"{FIELD}[{index}]"
        question_id = str(entry["question_id"])
        if question_id.startswith("remote:"):
            question = by_remote_id.get(question_id.removeprefix("remote:"))
        else:
            question = by_id.get(question_id)
        if question is None or not question.remote_id:
            raise input_invalid(MESSAGE_UNKNOWN_QUESTION.format(field=field, question_id=question_id))
        if question.remote_id in converted:
            raise input_invalid(MESSAGE_TWICE.format(field=field, question_id=question_id))
        if question.format_type == QuestionFormat.INFORMATION:
            warnings.append(WARNING_INFORMATION.format(field=field, question_id=question.id))
            continue
        converted[question.remote_id] = _value(question, entry["answer"], field, read_file)
        order.append(question)

    for question in sorted(questions, key=lambda q: (q.index if q.index is not None else 1_000_000, q.id)):
        if (
            question.required
            and question.format_type != QuestionFormat.INFORMATION
            and question.remote_id not in converted
            and _shown(question, by_remote_id, converted)
        ):
            raise input_invalid(MESSAGE_REQUIRED.format(field=FIELD, question_id=question.id, title=question.title))

    result = []
    for question in order:
        if not _shown(question, by_remote_id, converted):
            warnings.append(WARNING_HIDDEN.format(field=FIELD, question_id=question.id))
            continue
        result.append(
            ScreeningAnswerInput(
                question_remote_id=question.remote_id or "",
                type=question.format_type,
                value=converted[question.remote_id or ""],
                question_title=question.title,
            )
        )
    return tuple(result)
