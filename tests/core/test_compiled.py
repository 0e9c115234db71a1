"""Compiled lookups give exactly the rows `QuerySet.values()` gives, JSON columns included."""

from __future__ import annotations

from typing import Any

from django.db.models import Value
from django.db.models.fields.json import KT

from apps.applications.models import ScreeningQuestion
from apps.core.compiled import CompiledValues
from apps.integrations.models import Integration
from tests.factories.applications import JobFactory, ScreeningQuestionFactory

COLUMNS = ("id", "remote_id", "format_details", "options", "precondition_options", "index")


def _questions(job_id: Any) -> Any:
    return ScreeningQuestion.objects.filter(job_id=job_id).order_by("index").values(*COLUMNS)


QUESTIONS = CompiledValues(_questions, arity=1)
# A JSON key (a KeyTransform, not a plain column): Django's own converter stays in charge of it.
FIRST_OPTION = CompiledValues(
    lambda job_id: (
        ScreeningQuestion.objects.filter(job_id=job_id)
        .order_by("index")
        .annotate(first=KT("options__0__name"), constant=Value(1))
        .values("first", "constant")
    ),
    arity=1,
)


def test_rows_are_the_values_rows_json_columns_included(integration: Integration) -> None:
    job = JobFactory(integration=integration)
    ScreeningQuestionFactory(
        integration=integration, job=job, index=0,
        format_details={"max_length": 12345678901234567890123, "ratio": 0.1, "nested": {"deep": [1, None, True]}},
        options=[{"remote_id": "a", "name": "Yes 👍 \u00e9"}, {"remote_id": "b", "name": "No"}],
        precondition_options=None,
    )  # fmt: skip
    ScreeningQuestionFactory(
        integration=integration, job=job, index=1, format_details={}, options=[], precondition_options=["a"]
    )
    other_job = JobFactory(integration=integration)
    ScreeningQuestionFactory(integration=integration, job=other_job, index=0, options=[{"remote_id": "z"}])

    rows = QUESTIONS.rows(job.id)

    assert rows == list(_questions(job.id))
    assert rows[0]["format_details"]["max_length"] == 12345678901234567890123  # an exact integer, not a float
    assert [row["options"] for row in QUESTIONS.rows(other_job.id)] == [[{"remote_id": "z"}]]
    assert QUESTIONS.rows("no-such-job") == []
    assert FIRST_OPTION.rows(job.id) == [{"first": "Yes 👍 é", "constant": 1}, {"first": None, "constant": 1}]


def test_instances_carry_the_decoded_json(integration: Integration) -> None:
    job = JobFactory(integration=integration)
    question = ScreeningQuestionFactory(integration=integration, job=job, options=[{"remote_id": "a"}])

    [loaded] = QUESTIONS.instances(ScreeningQuestion, job.id)

    assert (loaded.pk, loaded.options, loaded.format_details) == (question.pk, [{"remote_id": "a"}], {})
