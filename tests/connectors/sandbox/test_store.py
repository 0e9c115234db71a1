"""The sandbox ATS's state: deterministic data, every write action, time passing, faults, sharing."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from apps.connectors.base import ConnectorContext
from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import AttachmentRef
from apps.connectors.errors import (
    ConnectorApplicationExists,
    ConnectorInputError,
    ConnectorJobClosed,
    ConnectorNotFound,
    ConnectorRateLimited,
)
from apps.connectors.sandbox.connector import SandboxConnector
from apps.connectors.sandbox.store import (
    FaultKind,
    NewAttachment,
    NewCandidate,
    SandboxStore,
    forget_store,
    open_store,
)
from tests.connectors.contract import read_all

ALL_FORMATS = {"TEXT", "NUMBER", "FILE", "SINGLE_SELECT", "BOOLEAN", "DATE", "MULTI_SELECT", "INFORMATION", "UNKNOWN"}


@pytest.fixture
def store(tmp_path: Path) -> SandboxStore:
    return open_store(tmp_path / "sandbox.sqlite3")


def connector_for(store: SandboxStore, **options: object) -> SandboxConnector:
    return SandboxConnector(
        ConnectorContext(integration_key="sandbox:test", base_url="", options={"path": str(store.path), **options})
    )


def ada(email: str = "ada.lovelace@example.com") -> NewCandidate:
    return NewCandidate(
        first_name="Ada",
        last_name="Lovelace",
        email_address=email,
        company="Analytical Engines",
        title="Engineer",
        phone_number="+44 20 7946 0000",
        location={"city": "London", "country": "GB"},
        social_links=("https://www.linkedin.com/in/ada",),
    )


def test_same_seed_same_data_and_every_model_populated(tmp_path: Path) -> None:
    first = SandboxStore(tmp_path / "a.sqlite3", seed=7, records=400)
    second = SandboxStore(tmp_path / "b.sqlite3", seed=7, records=400)
    other = SandboxStore(tmp_path / "c.sqlite3", seed=8, records=400)

    counts = {model: first.count(model) for model in ("users", "roles", "tags", "rejection_reasons", "jobs")}
    assert counts == {"users": 8, "roles": 6, "tags": 12, "rejection_reasons": 6, "jobs": 6}
    for model in ("candidates", "applications", "offers", "interviews", "notes", "scorecards", "attachments"):
        assert first.ids(model) == second.ids(model)
        assert [first.get(model, i) for i in first.ids(model)] == [second.get(model, i) for i in second.ids(model)]
    assert first.get("candidates", "cand-0000001") != other.get("candidates", "cand-0000001")


def test_first_job_has_all_nine_question_formats_and_preconditions(store: SandboxStore) -> None:
    job = connector_for(store).read(ReadModel.JOBS, remote_ids=["job-000001"]).items[0]

    assert {question.format_type for question in job.screening_questions} == ALL_FORMATS
    preconditions = {
        question.remote_id: (question.precondition_question_remote_id, question.precondition_options)
        for question in job.screening_questions
        if question.precondition_question_remote_id
    }
    assert preconditions == {
        "q-000001-4": ("q-000001-3", (True,)),
        "q-000001-10": ("q-000001-5", ("q-000001-lvl-3",)),
    }
    assert [stage.name for stage in job.stages] == ["Applied", "Screening", "Interview", "Offer", "Hired"]
    assert len(job.job_postings) == 1
    assert len(job.hiring_team) == 3


def test_attachments_carry_their_bytes(store: SandboxStore) -> None:
    connector = connector_for(store)
    attachment = connector.read(ReadModel.ATTACHMENTS).items[0]

    content = connector.download_attachment(
        AttachmentRef(remote_id=attachment.remote_id, candidate_remote_id=attachment.candidate_remote_id)
    ).content

    assert content.startswith(b"%PDF-1.4\n% Sandbox CV of ")
    assert content.endswith(b"%%EOF\n")


def test_create_application_with_a_new_candidate(store: SandboxStore) -> None:
    cv = NewAttachment(name="ada.pdf", type="CV", content_type="application/pdf", data=b"%PDF ada")

    created = store.create_application(
        job_id="job-000001",
        candidate=ada(),
        source="Acme Jobs",
        screening_answers={"q-000001-3": True, "q-000001-5": "q-000001-lvl-3", "q-000001-6": ["q-000001-opt-2"]},
        attachments=[cv],
    )

    assert created.candidate_created is True
    connector = connector_for(store)
    application = connector.read(ReadModel.APPLICATIONS, remote_ids=[created.application["id"]]).items[0]
    assert application.candidate_remote_id == created.candidate["id"]
    assert application.current_stage_remote_id == "stage-000001-0"
    assert application.outcome == "PENDING"
    assert application.source == "Acme Jobs"
    assert [(a.question_remote_id, a.type, a.value) for a in application.screening_question_answers] == [
        ("q-000001-3", "BOOLEAN", True),
        ("q-000001-5", "SINGLE_SELECT", "Senior"),
        ("q-000001-6", "MULTI_SELECT", ["German"]),
    ]
    candidate = connector.read(ReadModel.CANDIDATES, remote_ids=[created.candidate["id"]]).items[0]
    assert (candidate.first_name, candidate.source, candidate.email_addresses[0].email_address) == (
        "Ada",
        "Acme Jobs",
        "ada.lovelace@example.com",
    )
    [attachment] = store.attachments(application_id=created.application["id"])
    downloaded = connector.download_attachment(
        AttachmentRef(remote_id=attachment["id"], candidate_remote_id=created.candidate["id"])
    )
    assert (downloaded.content, downloaded.content_type, downloaded.file_name) == (
        b"%PDF ada",
        attachment["content_type"],
        attachment["file_name"],
    )


def test_existing_candidate_is_reused_and_keeps_its_source(store: SandboxStore) -> None:
    first = store.create_application(job_id="job-000001", candidate=ada(), source="First source")

    second = store.create_application(job_id="job-000002", candidate=ada("ADA.Lovelace@example.com"), source="Other")

    assert second.candidate_created is False
    assert second.candidate["id"] == first.candidate["id"]
    assert store.get("candidates", first.candidate["id"])["source"] == "First source"  # type: ignore[index]


def test_create_application_refusals(store: SandboxStore) -> None:
    store.create_application(job_id="job-000001", candidate=ada())
    store.touch("jobs", "job-000002", status="CLOSED")
    applications_before = store.count("applications")

    with pytest.raises(ConnectorApplicationExists):
        store.create_application(job_id="job-000001", candidate=ada())
    with pytest.raises(ConnectorJobClosed):
        store.create_application(job_id="job-000002", candidate=ada("b@example.com"))
    with pytest.raises(ConnectorNotFound):
        store.create_application(job_id="job-999999", candidate=ada("c@example.com"))
    with pytest.raises(ConnectorInputError, match="not a stage of job"):
        store.create_application(job_id="job-000001", candidate=ada("d@example.com"), stage_id="stage-000003-1")
    with pytest.raises(ConnectorInputError, match="unknown option"):
        store.create_application(
            job_id="job-000001", candidate=ada("e@example.com"), screening_answers={"q-000001-5": "nope"}
        )

    assert store.count("applications") == applications_before


def test_move_reject_note_result_link_and_tags(store: SandboxStore) -> None:
    created = store.create_application(job_id="job-000001", candidate=ada())
    app_id, cand_id = created.application["id"], created.candidate["id"]
    connector = connector_for(store)

    store.move_application_stage(application_id=app_id, stage_id="stage-000001-4")
    hired = connector.read(ReadModel.APPLICATIONS, remote_ids=[app_id]).items[0]
    store.move_application_stage(application_id=app_id, stage_id="stage-000001-2")
    store.reject_application(application_id=app_id, rejection_reason_id="rr-03", note="Filled internally.")
    rejected = connector.read(ReadModel.APPLICATIONS, remote_ids=[app_id]).items[0]
    note = store.add_application_note(application_id=app_id, content="Call back in May <soon>")
    link = store.add_result_link(application_id=app_id, label="Assessment", url="https://tests.example.com/r/1")
    store.add_candidate_tag(candidate_id=cand_id, name="Top talent")
    store.add_candidate_tag(candidate_id=cand_id, name="Brand new tag")
    store.remove_candidate_tag(candidate_id=cand_id, name="top TALENT")

    assert (hired.outcome, hired.current_stage_remote_id) == ("HIRED", "stage-000001-4")
    assert (rejected.outcome, rejected.rejection_reason_name) == ("DECLINED", "Position filled")
    notes = connector.read(ReadModel.NOTES, parent_remote_ids=[app_id]).items
    assert [n.content_html for n in notes] == ["<p>Filled internally.</p>", "<p>Call back in May &lt;soon&gt;</p>"]
    assert note["candidate_id"] == cand_id
    assert (link["label"], link["candidate_id"]) == ("Assessment", cand_id)
    candidate = connector.read(ReadModel.CANDIDATES, remote_ids=[cand_id]).items[0]
    assert [tag.name for tag in candidate.tags] == ["Brand new tag"]
    assert "Brand new tag" in [tag.name for tag in read_all_tags(connector)]
    with pytest.raises(ConnectorInputError, match="rejected"):
        store.move_application_stage(application_id=app_id, stage_id="stage-000001-1")


def read_all_tags(connector: SandboxConnector) -> list[object]:
    return list(connector.read(ReadModel.TAGS).items)


def test_advance_moves_hires_rejects_changes_and_removes(store: SandboxStore, tmp_path: Path) -> None:
    twin = SandboxStore(tmp_path / "twin.sqlite3")
    connector = connector_for(store)
    before = {app.remote_id: app.outcome for app in _all(connector, ReadModel.APPLICATIONS)}
    since = datetime.now(tz=UTC)

    summary = store.advance(steps=3)

    after = {app.remote_id: app.outcome for app in _all(connector, ReadModel.APPLICATIONS)}
    assert summary.as_dict() == twin.advance(steps=3).as_dict()  # deterministic from the same history
    assert summary.hired + summary.rejected > 0
    newly_decided = {i for i, outcome in after.items() if before.get(i) == "PENDING" and outcome != "PENDING"}
    assert len(newly_decided) == summary.hired + summary.rejected
    assert len(after) == len(before) + summary.arrived
    _, deleted_notes, _ = read_all(connector, ReadModel.NOTES, updated_since=since)
    assert len(deleted_notes) == summary.vanished
    changed_ids, _, _ = read_all(connector, ReadModel.APPLICATIONS, updated_since=since)
    assert set(changed_ids) == set(summary.touched_application_ids) | (set(after) - set(before))


def _all(connector: SandboxConnector, model: ReadModel) -> list:  # type: ignore[type-arg]
    items, cursor = [], None
    while True:
        page = connector.read(model, cursor=cursor)
        items.extend(page.items)
        if page.next_cursor is None:
            return items
        cursor = page.next_cursor


def test_injected_faults_are_consumed_in_order(store: SandboxStore) -> None:
    connector = connector_for(store)
    store.inject_fault(FaultKind.RATE_LIMITED, count=2, retry_after=4)

    for _ in range(2):
        with pytest.raises(ConnectorRateLimited) as caught:
            connector.read(ReadModel.TAGS)
        assert caught.value.retry_after == 4

    assert len(connector.read(ReadModel.TAGS).items) == 12
    assert connector.upstream_calls() == 3


def test_state_survives_reopening_and_is_shared_with_other_processes(store: SandboxStore) -> None:
    created = store.create_application(job_id="job-000001", candidate=ada())
    path = store.path
    script = (
        "import sys; from apps.connectors.sandbox.store import open_store; "
        "s = open_store(sys.argv[1]); s.add_candidate_tag(candidate_id=sys.argv[2], name='From another process'); "
        "print(s.get('applications', sys.argv[3])['candidate_id'])"
    )

    output = subprocess.run(
        [sys.executable, "-c", script, str(path), created.candidate["id"], created.application["id"]],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    forget_store(path)
    reopened = open_store(path)

    assert output == created.candidate["id"]
    assert [tag["name"] for tag in reopened.get("candidates", created.candidate["id"])["tags"]] == [  # type: ignore[index]
        "From another process"
    ]


def test_garbage_cursor_is_an_input_error(store: SandboxStore) -> None:
    with pytest.raises(ConnectorInputError, match="Invalid cursor"):
        connector_for(store).read(ReadModel.JOBS, cursor="%%%not-a-cursor")
