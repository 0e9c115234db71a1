"""Golden responses: the exact bytes of every /v1/ats list (and of the write responses built from the same
presenters) for one fixed dataset. Any byte change fails: key order, datetime and float formats, unicode and
control-character escaping, `next` cursors, nulls for unknown enum values.

The dataset has fixed ids and timestamps (and a fixed SECRET_KEY for the signed cursors), and values chosen to
pin the JSON encoding: non-ASCII text, U+2028/U+2029, control characters, quotes and backslashes, floats in
exponent ranges, an integer beyond 64 bits, nested JSON, microseconds that the wire format truncates.

After an intended change of the responses,
`TRIBUTARY_UPDATE_GOLDEN=1 pytest tests/applications/test_golden_responses.py` rewrites the files in
tests/applications/golden/; review the diff like code.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from rest_framework.settings import api_settings

from apps.applications import models as m
from apps.applications.enums import TrackedVia
from apps.applications.writes.presenters import candidate_data, created_application_data
from apps.core.api.renderers import dumps
from apps.core.derived_ids import integration_field_id
from apps.core.ids import BASE58_ALPHABET
from apps.integrations.field_models import IntegrationField
from apps.integrations.field_services import custom_field_create, custom_field_map, exposure_rebuild
from apps.integrations.models import ApiKey, Environment, Integration
from apps.integrations.services import integration_create

GOLDEN_DIR = Path(__file__).parent / "golden"
UPDATE = os.environ.get("TRIBUTARY_UPDATE_GOLDEN") == "1"

T0 = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)
LATER = datetime(2024, 6, 2, 8, 30, 15, 999999, tzinfo=UTC)
TRICKY_TEXT = 'Zoë "Ünal" \\ 東京 🚀 line\u2028sep\u2029para tab\tnl\nctl\x01 <script>&amp;'
# Only in records that `page_size=2` pages leave out: orjson can't write these as DRF does (the renderer falls back).
TRICKY_JSON: dict[str, Any] = {
    "big": 2**70,
    "int64": 2**63 - 1,
    "floats": [0.1, 1.5, 1e16, 1e-07, 123456789.125, -0.0, 3.0, 1e22, 2.5e-5],
    "nested": {"ü": [1, None, True, False, {"k": "v"}], "empty": {}, "list": []},
    "text": TRICKY_TEXT,
    "ключ": "значение",
}
# What the first pages hold: everything the orjson renderer writes itself.
PLAIN_JSON: dict[str, Any] = {
    "int64": 2**63 - 1,
    "floats": [0.1, 1.5, 1e16, 0.0001, 123456789.125, -0.0, 3.0, 9.5e15],
    "nested": {"ü": [1, None, True, False, {"k": "v"}], "empty": {}, "list": []},
    "text": TRICKY_TEXT,
    "ключ": "значение",
}

ENDPOINTS = (
    "jobs",
    "applications",
    "candidates",
    "tags",
    "application-stages",
    "users",
    "roles",
    "offers",
    "rejection-reasons",
    "interviews",
    "notes",
    "scorecards",
    "attachments",
)
VARIANTS = {
    "first": "page_size=2",
    "all": "page_size=250&include_deleted=true",
    "changed": "page_size=250&updated_after=2024-05-15T00:00:00Z",
}
ERRORS = {
    "error_page_size": "/v1/ats/applications?page_size=999",
    "error_cursor": "/v1/ats/jobs?cursor=nonsense",
    "error_filter": "/v1/ats/applications?outcomes=MAYBE",
}


def gid(number: int) -> str:
    """A fixed, valid 24-character id; ids sort in `number` order."""
    digits = []
    for _ in range(20):
        number, remainder = divmod(number, 58)
        digits.append(BASE58_ALPHABET[remainder])
    return "Go1d" + "".join(reversed(digits))


class Ids:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> str:
        self.count += 1
        return gid(self.count)


def _dataset(environment: Environment) -> tuple[Integration, dict[str, str]]:
    integration = integration_create(
        environment=environment,
        tool="sandbox",
        end_user_organization_name="Golden Inc.",
        end_user_origin_id="golden",
        setup_status=Integration.SetupStatus.COMPLETED,
        integration_id=f"sandbox:{gid(999_999)}",
    )
    new = Ids()
    common = {"integration": integration, "changed_at": T0}
    stamps = {"remote_created_at": T0 - timedelta(days=30), "remote_updated_at": T0}

    users = [
        m.AtsUser.objects.create(id=new(), remote_id="u-1", first_name="Zoë", last_name="Ünal",
                                 email="zoe@example.com", status="ACTIVE", **common),
        m.AtsUser.objects.create(id=new(), remote_id="u-2", first_name=None, last_name="O'Neil",
                                 email=None, status="SOMETHING_ELSE", integration_fields=[
                                     {"key": "team", "type": "DEFAULT", "value": PLAIN_JSON, "label": "Team"}
                                 ], **common),
    ]  # fmt: skip
    roles = [
        m.Role.objects.create(id=new(), remote_id="r-1", remote_label="Admin", scope="SYSTEM",
                              unified_type="ADMIN", **common),
        m.Role.objects.create(id=new(), remote_id="r-2", remote_label="Recruiter ✓", scope="JOB",
                              unified_type="NOT_A_TYPE", **common),
    ]  # fmt: skip
    m.UserRoleAssignment.objects.create(id=new(), user=users[0], role=roles[0], **common)
    tags = [
        m.Tag.objects.create(id=new(), remote_id="t-1", name="Senior 🚀", **common),
        m.Tag.objects.create(id=new(), remote_id="t-2", name='quote "x" \\ back', **common),
        m.Tag.objects.create(id=new(), remote_id="t-3", name="gone", integration=integration, changed_at=LATER,
                             remote_deleted_at=LATER),
    ]  # fmt: skip
    m.RejectionReason.objects.create(id=new(), remote_id="rr-1", name=TRICKY_TEXT, **common)
    stages = [
        m.ApplicationStage.objects.create(id=new(), remote_id=f"s-{index}", name=name, status=status,
                                          custom_fields=custom, **common)
        for index, (name, status, custom) in enumerate(
            [("Applied", "ACTIVE", {}), ("Interviewing", "ARCHIVED", {"weight": 0.25}), ("Hired", "WEIRD", PLAIN_JSON)]
        )
    ]  # fmt: skip
    jobs = [
        m.Job.objects.create(
            id=new(), remote_id="j-1", name="Backend Engineer (m/w/d) – München", job_code="BE-1",
            description="<p>We ❤ Python</p>\n<script>alert('x')</script>", confidential=False, weekly_hours=37.5,
            employment_type="FULL_TIME", status="OPEN", visibility="PUBLIC", category="Engineering",
            department="R&D", post_url="https://jobs.example.com/be-1?a=1&b=ü", experience_level="Senior",
            remote_work_status="HYBRID", salary_amount=65000.0, salary_amount_from=0.1, salary_amount_to=1e16,
            salary_currency="EUR", salary_period="YEAR",
            location={"city": "München", "country": "DE", "raw": "München, DE", "state": None, "street_1": 7,
                      "zip_code": "80331", "extra": "dropped"},
            opened_at=T0, closed_at=None, remote_url="https://ats.example.com/j/1", custom_fields=PLAIN_JSON,
            integration_fields=[{"key": "cost_center", "type": "DEFAULT", "value": 4711.5, "label": "Cost center"},
                                {"key": "bad", "type": "NOPE", "value": None, "label": None}, "not-a-dict"],
            **stamps, **common,
        ),
        m.Job.objects.create(id=new(), remote_id="j-2", name=None, weekly_hours=0.5, **common),
        m.Job.objects.create(id=new(), remote_id="j-3", name="Changed later", weekly_hours=1e-07,
                             custom_fields=TRICKY_JSON, integration=integration, changed_at=LATER),
    ]  # fmt: skip
    for index, stage in enumerate(stages):
        m.JobStage.objects.create(id=new(), job=jobs[0], stage=stage, index=index, **common)
    select = m.ScreeningQuestion.objects.create(
        id=new(), remote_id="q-1", job=jobs[0], title="Which city?", description="Pick one", category="JOB",
        required=True, format_type="SINGLE_SELECT", format_details={"display_type": "DROPDOWN"},
        options=[{"remote_id": "o-1", "name": "Berlin"}, {"name": "Köln"}, "junk"], index=0, **common,
    )  # fmt: skip
    m.ScreeningQuestion.objects.create(
        id=new(), remote_id="q-2", job=jobs[0], title="Relocate?", category="NOPE", required=False,
        format_type="BOOLEAN", index=1, precondition_question_remote_id=select.remote_id,
        precondition_options=["o-1", "Köln", "missing"], **common,
    )  # fmt: skip
    m.ScreeningQuestion.objects.create(
        id=new(), remote_id="q-3", job=jobs[0], title="Years", format_type="NUMBER",
        format_details={"max": 40.5, "min": 0, "display_type": "SLIDER"}, index=None, **common,
    )  # fmt: skip
    m.JobPosting.objects.create(id=new(), remote_id="p-1", job=jobs[0], title="Backend – apply",
                                description_html="<b>ü</b>", url="https://x.example/p", status="ACTIVE",
                                visibility="UNKNOWN", **common)  # fmt: skip
    m.HiringTeamMember.objects.create(id=new(), job=jobs[0], user=users[0], job_roles=[
        {"remote_id": "hm", "remote_label": "Hiring manager", "unified_type": "HIRING_MANAGER"},
        {"remote_id": "rc", "remote_label": "Recruiter", "unified_type": "RECRUITER"},
        {"remote_id": "x", "remote_label": 5, "unified_type": "NOPE"},
    ], **common)  # fmt: skip

    candidates = [
        m.Candidate.objects.create(
            id=new(), remote_id="c-1", first_name="Zoë", last_name="Ünal", company="ACME “GmbH”", title="Dev",
            confidential=False, source="LinkedIn", remote_url="https://ats.example.com/c/1",
            email_addresses=[{"email_address": "zoe@example.com", "type": "PERSONAL"}, {"email_address": 5}, "x"],
            phone_numbers=[{"phone_number": "+49 30 1234567", "type": "MOBILE"}, {"phone_number": ""}],
            social_media=[{"link": "https://linkedin.com/in/zoe", "type": "LINKEDIN", "username": None}],
            location={"city": "Berlin", "country": "DE"},
            custom_fields={"score": 9.75, "text": TRICKY_TEXT},
            tracked_at=T0, tracked_via=TrackedVia.CREATED,
            remote_data={"grade": "A+", "extra": {"code": 4711}},
            **stamps, **common,
        ),
        m.Candidate.objects.create(id=new(), remote_id="c-2", first_name="Bob", last_name=None,
                                   remote_data={"grade": None}, **common),
        m.Candidate.objects.create(id=new(), remote_id="c-3", first_name="Deleted", integration=integration,
                                   custom_fields={"tiny": 1e-07}, remote_data={"extra": {"code": 2**70}},
                                   changed_at=LATER, remote_deleted_at=LATER),
    ]  # fmt: skip
    m.CandidateTag.objects.create(id=new(), candidate=candidates[0], tag=tags[0], **common)
    m.CandidateTag.objects.create(id=new(), candidate=candidates[0], tag=tags[1], **common)
    m.CandidateTag.objects.create(id=new(), candidate=candidates[1], tag=tags[1], integration=integration,
                                  changed_at=LATER)  # fmt: skip
    applications = [
        m.Application.objects.create(
            id=new(), remote_id="a-1", candidate=candidates[0], job=jobs[0], current_stage=stages[1],
            outcome="PENDING", remote_url="https://ats.example.com/a/1",
            custom_fields={"priority": 2, "note": TRICKY_TEXT},
            integration_fields=[{"key": "src", "type": "DEFAULT", "value": [1.25, "ü"], "label": "Source"}],
            screening_question_answers=[
                {"question": {"remote_id": "q-1", "title": "Which city?", "type": "SINGLE_SELECT"},
                 "answer": {"choice": {"remote_id": "o-1", "name": "Berlin"}}},
                {"question": {"remote_id": "q-2", "title": "Relocate?", "type": "BOOLEAN"},
                 "answer": {"checked": True}},
                {"question": {"remote_id": "q-3", "title": "Years", "type": "NUMBER"}, "answer": {"number": 2.5}},
                "junk",
            ],
            tracked_at=T0, tracked_via=TrackedVia.CREATED, remote_data={"grade": "B", "extra": {"code": 12.5}},
            **stamps, **common,
        ),
        m.Application.objects.create(
            id=new(), remote_id="a-2", candidate=candidates[1], job=jobs[1], current_stage=stages[2],
            outcome="DECLINED", rejection_reason_name="Not a fit ✗", rejected_at=LATER, **common,
        ),
        m.Application.objects.create(
            id=new(), remote_id="a-3", candidate=candidates[0], job=None, current_stage=None, outcome="BOGUS",
            custom_fields={"tiny": 2.5e-05}, remote_data={"extra": {"code": 1e-07}}, integration=integration,
            changed_at=LATER, remote_deleted_at=LATER,
        ),
    ]  # fmt: skip
    interview = m.Interview.objects.create(
        id=new(), remote_id="i-1", application=applications[0], stage=stages[1], title="Tech interview – 1",
        starting_at=T0 + timedelta(days=1), ending_at=T0 + timedelta(days=1, hours=1), canceled=False,
        video_conferencing_url="https://meet.example.com/x", location={"raw": "Room 🚪 1"}, **stamps, **common,
    )  # fmt: skip
    m.Interview.objects.create(id=new(), remote_id="i-2", application=applications[1], title=None,
                               canceled=None, integration=integration, changed_at=LATER)  # fmt: skip
    m.InterviewUser.objects.create(id=new(), interview=interview, user=users[0], **common)
    m.InterviewUser.objects.create(id=new(), interview=interview, user=users[1], **common)
    m.Offer.objects.create(id=new(), remote_id="o-1", application=applications[0], status="SENT",
                           employment_start_date=LATER, custom_fields={"bonus": 1500.75}, **stamps,
                           **common)  # fmt: skip
    m.Offer.objects.create(id=new(), remote_id="o-2", application=applications[1], status="WHATEVER", **common)
    m.Note.objects.create(id=new(), remote_id="n-1", candidate=candidates[0], application=applications[0],
                          author=users[0], title="Call", content_html=f"<p>{TRICKY_TEXT}</p>", is_private=True,
                          **stamps, **common)  # fmt: skip
    m.Note.objects.create(id=new(), remote_id="n-2", candidate=candidates[1], application=None, author=None,
                          **common)  # fmt: skip
    m.Scorecard.objects.create(
        id=new(), remote_id="sc-1", candidate=candidates[0], application=applications[0], interview=interview,
        author=users[1], responses=[
            {"type": "SINGLE_SELECT", "remote_id": "r1", "label": "Fit", "required": True,
             "options": [{"remote_id": "y", "label": "Yes"}, {"label": None}],
             "answer": {"remote_id": "y", "label": "Yes"}},
            {"type": "MULTI_SELECT", "label": "Skills", "options": [{"label": "Go"}], "answer": [{"label": "Go"}, 3]},
            {"type": "BOOLEAN", "label": "Hire?", "answer": "yes"},
            {"type": "NUMBER", "label": "Score", "answer": 4.5, "description": "1–5"},
            {"type": "TEXT", "label": None, "answer": 12},
            {"type": "UNKNOWN_KIND", "label": "dropped"},
        ], **stamps, **common,
    )  # fmt: skip
    m.Attachment.objects.create(id=new(), remote_id="f-1", candidate=candidates[0], application=applications[0],
                                type="CV", file_name="Lebenslauf Zoë.pdf", content_type="application/pdf",
                                **stamps, **common)  # fmt: skip
    m.Attachment.objects.create(id=new(), remote_id="f-2", candidate=candidates[1], application=None,
                                type="STRANGE", file_name=None, **common)  # fmt: skip

    # Integration fields and a custom field exposed from remote_data (contract §6) on candidates and applications.
    for model, key, path in (
        ("ats_candidates", "grade", ["grade"]),
        ("ats_candidates", "extra.code", ["extra", "code"]),
        ("ats_applications", "extra.code", ["extra", "code"]),
    ):
        IntegrationField.objects.create(
            id=integration_field_id(integration.id, model, key), integration=integration, model=model, key=key,
            label=f"{key} ✓", path=path, is_passthrough_enabled=True,
        )  # fmt: skip
    custom = custom_field_create(environment=environment, model="ats_candidates", key="level")
    custom_field_map(
        integration=integration,
        custom_field=custom,
        integration_field_id=integration_field_id(integration.id, "ats_candidates", "grade"),
    )
    exposure_rebuild(integration=integration)
    integration.refresh_from_db()
    return integration, {"application": applications[0].id, "candidate": candidates[0].id}


def _cases(client: Client, integration: Integration, ids: dict[str, str]) -> dict[str, bytes]:
    bodies: dict[str, bytes] = {}
    for endpoint in ENDPOINTS:
        cursor = None
        for variant, query in VARIANTS.items():
            response = client.get(f"/v1/ats/{endpoint}?{query}")
            assert response.status_code == 200, response.content
            bodies[f"{endpoint}.{variant}"] = response.content
            if variant == "first":
                cursor = response.json()["data"]["next"]
        if cursor is not None:
            response = client.get(f"/v1/ats/{endpoint}?page_size=2&cursor={cursor}")
            assert response.status_code == 200, response.content
            bodies[f"{endpoint}.second"] = response.content
    for name, url in ERRORS.items():
        response = client.get(url)
        assert response.status_code == 400, response.content
        bodies[name] = response.content
    # The write responses are built from the same selectors and presenters, rendered by the same renderer.
    renderer = api_settings.DEFAULT_RENDERER_CLASSES[0]()
    created = created_application_data(integration=integration, application_id=ids["application"])
    bodies["write.created_application"] = renderer.render({"status": "success", "data": created, "warnings": []})
    candidate = candidate_data(integration=integration, candidate_id=ids["candidate"])
    bodies["write.candidate"] = renderer.render({"status": "success", "data": candidate, "warnings": []})
    return bodies


def test_every_ats_response_is_byte_for_byte_the_golden_one(
    client: Client, api_key: ApiKey, environment: Environment, settings: Any
) -> None:
    settings.SECRET_KEY = "golden-responses-fixed-secret"  # the cursors are signed
    integration, ids = _dataset(environment)
    client.defaults.update(HTTP_AUTHORIZATION=f"Bearer {api_key.raw_key}", HTTP_X_INTEGRATION_ID=integration.id)  # type: ignore[attr-defined]

    bodies = _cases(client, integration, ids)

    if UPDATE:
        GOLDEN_DIR.mkdir(exist_ok=True)
        for stale in GOLDEN_DIR.glob("*.json"):
            stale.unlink()
        for name, body in bodies.items():
            (GOLDEN_DIR / f"{name}.json").write_bytes(body)
    stored = {path.stem: path.read_bytes() for path in GOLDEN_DIR.glob("*.json")}
    assert sorted(stored) == sorted(bodies)
    changed = [name for name in bodies if bodies[name] != stored[name]]
    assert changed == [], f"responses differ from tests/applications/golden/: {changed}"
    assert len(bodies) == 13 * 3 + 3 + 2 + sum(1 for name in bodies if name.endswith(".second"))


@pytest.mark.parametrize("name", ["jobs.all", "candidates.all", "applications.all"])
def test_the_golden_files_hold_the_tricky_values(name: str) -> None:
    """The pinned bytes really contain what the dataset is there to pin (so a regenerated file can't lose it)."""
    body = (GOLDEN_DIR / f"{name}.json").read_bytes()
    assert "Zoë".encode() in body  # non-ASCII stays UTF-8, not \\u escapes
    assert b"\\u2028" in body  # DRF escapes the JavaScript line separators
    assert b"\\u2029" in body
    assert b"\\u0001" in body
    assert b"\\t" in body
    assert b"\\n" in body
    assert b'"big":1180591620717411303424' in body or name != "jobs.all"
    assert b"1e+16" in body or name != "jobs.all"
    assert b"1e-07" in body or name == "applications.all"
    assert b"2.5e-05" in body or name != "applications.all"
    assert b".123Z" in body  # microseconds truncated to milliseconds


def test_the_first_pages_are_written_by_orjson_itself() -> None:
    """The golden bytes pin the fast encoder too, not only its fallback to DRF's (apps.core.api.renderers)."""
    names = sorted(path.stem for path in GOLDEN_DIR.glob("*.json") if path.stem.endswith(".first"))
    names += ["write.created_application", "write.candidate", "error_cursor"]
    for name in names:
        body = (GOLDEN_DIR / f"{name}.json").read_bytes()
        assert dumps(json.loads(body)) == body, name
    assert len(names) == 16
