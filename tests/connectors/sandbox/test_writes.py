"""The sandbox connector's write methods (the connector write interface), on a store of its own."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from apps.connectors.base import ConnectorContext
from apps.connectors.dtos import (
    ApplicationRef,
    AttachmentInput,
    AttachmentRef,
    CandidateInput,
    CreateApplicationInput,
    Location,
    ResultLinkInput,
    SalaryExpectation,
    ScreeningAnswerInput,
    SourceInstruction,
)
from apps.connectors.errors import ConnectorNotFound, ConnectorUnsupported, ConnectorWriteUncertain
from apps.connectors.sandbox.connector import SandboxConnector
from apps.connectors.sandbox.store import FaultKind, SandboxStore, open_store


@pytest.fixture
def store(tmp_path: Path) -> SandboxStore:
    return open_store(tmp_path / "sandbox.sqlite3")


@pytest.fixture
def connector(store: SandboxStore) -> SandboxConnector:
    return SandboxConnector(ConnectorContext(integration_key="sandbox:test", base_url="", options={"path": store.path}))


def _input(email: str = "ada@example.com", **changes: object) -> CreateApplicationInput:
    values: dict[str, object] = {
        "job_remote_id": "job-000001",
        "candidate": CandidateInput(
            first_name="Ada",
            last_name="Lovelace",
            email_address=email,
            location=Location(country="GB", city="London"),
            gender="FEMALE",
            availability_date=date(2025, 3, 1),
            salary_expectation=SalaryExpectation(period="YEAR", amount=60000),
            social_links=("https://example.com/ada",),
        ),
        "attachments": (
            AttachmentInput(name="cover.txt", type="COVER_LETTER", content_type="text/plain", data=b"Hello"),
            AttachmentInput(name="cv.pdf", type="CV", content_type="application/pdf", data=b"%PDF ada"),
        ),
        "screening_answers": (
            ScreeningAnswerInput(question_remote_id="q-000001-3", type="BOOLEAN", value=True),
            ScreeningAnswerInput(question_remote_id="q-000001-6", type="MULTI_SELECT", value=("q-000001-opt-1",)),
        ),
        "source": SourceInstruction(name="Acme Jobs"),
        "remote_fields": {"note": "from the test"},
    }
    values.update(changes)
    return CreateApplicationInput(**values)  # type: ignore[arg-type]


def test_create_application_writes_everything_it_was_given(connector: SandboxConnector, store: SandboxStore) -> None:
    result = connector.create_application(_input())

    assert result.candidate_existed is False
    assert result.warnings == ()
    assert _input().resume is not None
    assert _input().resume.name == "cv.pdf"
    application = store.get("applications", result.application.remote_id)
    candidate = store.get("candidates", result.candidate.remote_id)
    assert application is not None
    assert candidate is not None
    assert (application["source"], application["stage_id"], application["remote_fields"]) == (
        "Acme Jobs",
        "stage-000001-0",
        {"note": "from the test"},
    )
    assert [(a["question_id"], a["value"]) for a in application["answers"]] == [
        ("q-000001-3", True),
        ("q-000001-6", ["English"]),
    ]
    assert (candidate["location"]["country"], candidate["gender"], candidate["availability_date"]) == (
        "GB",
        "FEMALE",
        "2025-03-01",
    )
    assert candidate["salary_expectation"] == {"period": "YEAR", "amount": 60000}
    assert [doc["file_name"] for doc in store.attachments(application_id=result.application.remote_id)] == [
        "cover.txt",
        "cv.pdf",
    ]


def test_create_candidate_is_create_application(connector: SandboxConnector, store: SandboxStore) -> None:
    result = connector.create_candidate(_input())

    assert store.get("applications", result.application.remote_id)["candidate_id"] == result.candidate.remote_id  # type: ignore[index]


def test_a_timed_out_write_is_uncertain_and_not_carried_out(connector: SandboxConnector, store: SandboxStore) -> None:
    before = store.count("applications")
    store.inject_fault(FaultKind.TIMEOUT)

    with pytest.raises(ConnectorWriteUncertain):
        connector.create_application(_input())

    assert store.count("applications") == before
    assert connector.find_application(job_remote_id="job-000001", email_address="ada@example.com") is None


def test_a_lost_answer_is_uncertain_but_the_write_happened(connector: SandboxConnector, store: SandboxStore) -> None:
    store.inject_fault(FaultKind.ANSWER_LOST)

    with pytest.raises(ConnectorWriteUncertain):
        connector.create_application(_input())

    found = connector.find_application(job_remote_id="job-000001", email_address="ADA@example.com")
    assert found is not None
    assert (found.candidate.first_name, found.application.job_remote_id) == ("Ada", "job-000001")


def test_find_tracked_application_by_each_key(connector: SandboxConnector) -> None:
    created = connector.create_application(_input())
    application_id, candidate_id = created.application.remote_id, created.candidate.remote_id

    by_id = connector.find_tracked_application(key="sandbox", ids={"application_remote_id": application_id})
    by_pair = connector.find_tracked_application(
        key="smartrecruiters", ids={"candidate_remote_id": candidate_id, "job_remote_id": "job-000001"}
    )

    assert by_id == by_pair
    assert by_id.candidate.remote_id == candidate_id
    with pytest.raises(ConnectorNotFound):
        connector.find_tracked_application(key="successfactors", ids={"application_remote_id": "app-nope"})


def test_actions_on_an_application(connector: SandboxConnector, store: SandboxStore) -> None:
    created = connector.create_application(_input())
    ref = ApplicationRef(remote_id=created.application.remote_id, candidate_remote_id=created.candidate.remote_id)

    moved = connector.move_application_stage(ref, stage_remote_id="stage-000001-2", remote_fields={})
    connector.add_application_note(ref, content="Strong", content_type="PLAIN_TEXT", remote_fields={})
    connector.add_application_result_link(
        ref, link=ResultLinkInput(label="Test", url="https://example.com/r/1", attributes=(("score", "9"),)),
        remote_fields={},
    )  # fmt: skip
    rejected = connector.reject_application(ref, rejection_reason_remote_id="rr-01", note="Sorry", remote_fields={})

    assert moved.application is not None
    assert moved.application.current_stage_remote_id == "stage-000001-2"
    assert rejected.application is not None
    assert rejected.application.outcome == "DECLINED"
    notes = store.list("notes", limit=50, parent_ids=[ref.remote_id]).docs
    assert [note["content_html"] for note in notes] == ["<p>Strong</p>", "<p>Sorry</p>"]
    [link] = store.list("result_links", limit=5, parent_ids=[ref.remote_id]).docs
    assert link["details"] == {"custom_field_name_prefix": None, "attributes": [{"key": "score", "value": "9"}]}


def test_tags_attachments_and_downloads_of_a_candidate(connector: SandboxConnector, store: SandboxStore) -> None:
    created = connector.create_application(_input())
    candidate_id = created.candidate.remote_id

    tagged = connector.add_candidate_tag(candidate_id, name="Python", remote_fields={})
    connector.add_candidate_attachment(
        candidate_id,
        attachment=AttachmentInput(name="x.txt", type="OTHER", content_type="text/plain", data=b"x"),
        remote_fields={},
    )
    untagged = connector.remove_candidate_tag(candidate_id, name="python", remote_fields={})
    listing = connector.list_candidate_attachments(candidate_id)
    of_application = connector.list_application_attachments(ApplicationRef(remote_id=created.application.remote_id))

    assert tagged.candidate is not None
    assert [tag.name for tag in tagged.candidate.tags] == ["Python"]
    assert untagged.candidate is not None
    assert untagged.candidate.tags == ()
    assert [a.file_name for a in listing.attachments] == ["cover.txt", "cv.pdf", "x.txt"]
    assert [a.file_name for a in of_application.attachments] == ["cover.txt", "cv.pdf"]
    file = connector.download_attachment(
        AttachmentRef(remote_id=listing.attachments[2].remote_id, candidate_remote_id=candidate_id)
    )
    assert (file.content, file.content_type, file.file_name) == (b"x", "text/plain", "x.txt")
    with pytest.raises(ConnectorNotFound):
        connector.download_attachment(
            AttachmentRef(remote_id=listing.attachments[2].remote_id, candidate_remote_id="c")
        )


def test_the_base_connector_says_what_it_cannot_write() -> None:
    class ReadOnly(SandboxConnector):
        tool = "readonly"

    bare = super(SandboxConnector, ReadOnly(ConnectorContext(integration_key="x", base_url="")))

    with pytest.raises(ConnectorUnsupported, match="readonly cannot create applications"):
        bare.create_application(_input())
    with pytest.raises(ConnectorUnsupported, match="readonly cannot tag candidates"):
        bare.add_candidate_tag("c", name="x", remote_fields={})
