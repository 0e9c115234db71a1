"""The Factorial connector's readers against the emulator's seeded company (4 postings, 12 candidates, 16
applications, 6 employees): mapping, outcomes, deltas, ids, paging of the sub-resources."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import (
    EmailAddress,
    PhoneNumber,
    RemoteApplication,
    RemoteApplicationStage,
    RemoteAttachment,
    RemoteCandidate,
    RemoteJob,
    RemoteNote,
    RemoteUser,
    ScreeningAnswer,
    SocialMedia,
)
from apps.connectors.emulation.clock import ManualClock
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.errors import ConnectorUnsupported
from apps.connectors.factorial.connector import FactorialConnector
from tests.connectors.contract import read_all
from tests.connectors.factorial.conftest import FA
from tests.connectors.factorial.harness import factorial_connector


@pytest.fixture
def connector(fa_server: LoopbackServer) -> FactorialConnector:
    return factorial_connector(fa_server.url)


def _by_id(items: list[Any]) -> dict[str, Any]:
    return {item.remote_id: item for item in items}


def test_jobs_carry_their_phases_as_stages_and_their_questions(connector: FactorialConnector) -> None:
    jobs = _by_id(connector.read(ReadModel.JOBS).items)

    assert sorted(jobs, key=int) == ["1", "2", "3", "4"]
    backend = jobs["1"]
    assert isinstance(backend, RemoteJob)
    assert (backend.name, backend.status, backend.visibility, backend.employment_type) == (
        "Backend Engineer", "OPEN", "PUBLIC", "FULL_TIME",
    )  # fmt: skip
    assert (backend.remote_work_status, backend.salary_amount_from, backend.salary_amount_to) == (
        "HYBRID", 40000.0, 60000.0,
    )  # fmt: skip
    assert (backend.salary_period, backend.category) == ("YEAR", "engineering")
    assert backend.opened_at == datetime(2024, 1, 9, 9, 0, tzinfo=UTC)
    assert [(stage.name, stage.index) for stage in backend.stages] == [
        ("New", 0), ("In review", 1), ("Assessment", 2), ("Interview", 3), ("Offer", 4), ("Hired", 5),
    ]  # fmt: skip
    assert [(q.title, q.format_type, q.required) for q in backend.screening_questions] == [
        ("How many years of professional experience do you have?", "TEXT", True),
        ("Do you have a valid work permit for this country?", "SINGLE_SELECT", True),
        ("Which languages do you speak?", "MULTI_SELECT", False),
        ("Why do you want to join us?", "TEXT", False),
        ("Portfolio", "FILE", False),
    ]
    languages = backend.screening_questions[2]
    assert [option.remote_id for option in languages.options] == ["English", "Spanish", "German", "French"]
    # the second posting's pipeline has an extra phase; the draft one is a draft
    assert [stage.name for stage in jobs["2"].stages][4] == "Culture fit"
    assert (jobs["3"].status, jobs["3"].visibility, jobs["3"].job_postings[0].status) == ("DRAFT", None, "DRAFT")
    assert (jobs["4"].status, jobs["4"].visibility) == ("OPEN", "UNLISTED")


def test_applications_outcome_stage_reason_source_and_answers(connector: FactorialConnector) -> None:
    applications = _by_id(read_all_items(connector, ReadModel.APPLICATIONS))

    assert len(applications) == 16
    pending, rejected, hired, withdrawn = (applications[key] for key in ("2", "3", "5", "6"))
    assert isinstance(pending, RemoteApplication)
    assert (pending.outcome, pending.current_stage_remote_id, pending.candidate_remote_id, pending.job_remote_id) == (
        "PENDING", "21", "2", "4",
    )  # fmt: skip
    assert pending.source == "Career page"
    assert pending.screening_question_answers == (
        ScreeningAnswer("16", "How many years of professional experience do you have?", "TEXT", "2"),
        ScreeningAnswer("17", "Do you have a valid work permit for this country?", "SINGLE_SELECT", "Yes"),
        ScreeningAnswer("18", "Which languages do you speak?", "MULTI_SELECT", ["English", "Spanish"]),
    )
    assert (rejected.outcome, rejected.rejection_reason_remote_id, rejected.rejection_reason_name) == (
        "DECLINED", "3", "Position filled",
    )  # fmt: skip
    assert rejected.source is None  # "newsletter" matched no candidate source: no source_id
    assert (hired.outcome, hired.current_stage_remote_id) == ("HIRED", "26")
    assert (withdrawn.outcome, withdrawn.rejection_reason_name, withdrawn.source) == (
        "DECLINED", "Accepted another offer", "LinkedIn",
    )  # fmt: skip
    assert pending.remote_created_at == datetime.fromisoformat(pending.remote_data["created_at"])
    assert pending.remote_updated_at is None


def read_all_items(connector: FactorialConnector, model: ReadModel, **kwargs: Any) -> list[Any]:
    items: list[Any] = []
    cursor = None
    while True:
        page = connector.read(model, cursor=cursor, **kwargs)
        items.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return items


def test_outcomes_follow_moves_rejections_and_hires(connector: FactorialConnector, fa: FA) -> None:
    fa.control("POST", "/applications/1/hire")
    fa.control("POST", "/applications/4/reject", json={"decision_maker": "candidate"})

    page = connector.read(ReadModel.APPLICATIONS, remote_ids=["1", "4", "7"])

    outcomes = {item.remote_id: (item.outcome, item.current_stage_remote_id) for item in page.items}
    assert outcomes == {"1": ("HIRED", "19"), "4": ("DECLINED", "17"), "7": ("PENDING", "5")}
    assert page.next_cursor is None


def test_candidates_map_contacts_and_the_source_label(connector: FactorialConnector) -> None:
    page = connector.read(ReadModel.CANDIDATES, remote_ids=["1", 3])  # type: ignore[list-item]

    first, third = page.items
    assert first == RemoteCandidate(
        remote_id="1",
        first_name="Diego",
        last_name="Schmidt",
        source="Indeed",
        email_addresses=(EmailAddress("diego.schmidt.0@example.com"),),
        phone_numbers=(PhoneNumber("+34600000000"),),
        social_media=(SocialMedia(link="https://www.linkedin.com/in/diego-schmidt-0"),),
        remote_created_at=datetime(2024, 2, 17, 9, 0, tzinfo=UTC),
        remote_updated_at=datetime(2024, 2, 22, 11, 37, tzinfo=UTC),
        remote_data=first.remote_data,
    )
    assert first.remote_data["source_id"] == 4
    assert (third.remote_id, third.source) == ("3", None)


def test_candidate_delta_keeps_only_what_changed_since(
    connector: FactorialConnector, fa: FA, fa_clock: ManualClock
) -> None:
    since = fa_clock.now()
    fa_clock.advance(5)
    fa.put("/ats/candidates/4", json={"phone_number": "+34 600 111 222"})
    fa.post("/ats/applications/move_to_phase", json={"id": 2, "ats_application_phase_id": 22})  # candidate 2

    changed, _, pages = read_all(factorial_connector(fa.url, page_size=5), ReadModel.CANDIDATES, updated_since=since)

    assert sorted(changed, key=int) == ["2", "4"]
    assert pages == 3  # a delta still scans every page: 12 candidates, 5 a page
    assert connector.read(ReadModel.CANDIDATES, remote_ids=["4", "5"], updated_since=since).items[0].remote_id == "4"


def test_users_are_employees_and_their_delta_keeps_the_exact_instant(connector: FactorialConnector) -> None:
    users = _by_id(connector.read(ReadModel.USERS).items)

    assert users["1"] == RemoteUser(
        remote_id="1",
        first_name="Ana",
        last_name="Ruiz",
        email="ana.ruiz0@acmecorp.example",
        status="ACTIVE",
        remote_created_at=users["1"].remote_created_at,
        remote_updated_at=users["1"].remote_updated_at,
        remote_data=users["1"].remote_data,
    )
    latest = max(user.remote_updated_at for user in users.values())
    delta = connector.read(ReadModel.USERS, updated_since=latest).items
    assert [user.remote_id for user in delta] == [
        key for key, user in users.items() if user.remote_updated_at == latest
    ]


def test_application_stages_are_every_postings_phases(connector: FactorialConnector) -> None:
    stages = read_all_items(connector, ReadModel.APPLICATION_STAGES)

    assert len(stages) == 26  # 4 postings, 6 phases each, the 2nd and 4th with a "Culture fit" phase
    assert stages[0] == RemoteApplicationStage(remote_id="1", name="New", remote_data=stages[0].remote_data)
    assert [stage.name for stage in stages[6:13]] == [
        "New", "In review", "Assessment", "Interview", "Culture fit", "Offer", "Hired",
    ]  # fmt: skip


def test_rejection_reasons(connector: FactorialConnector) -> None:
    reasons = connector.read(ReadModel.REJECTION_REASONS).items

    assert [(reason.remote_id, reason.name) for reason in reasons] == [
        ("1", "Unfit for the role"), ("2", "Not enough experience"), ("3", "Position filled"),
        ("4", "Salary expectations too high"), ("5", "Accepted another offer"), ("6", "No longer interested"),
    ]  # fmt: skip


def test_attachments_are_the_applications_cvs(connector: FactorialConnector) -> None:
    by_parent = connector.read(ReadModel.ATTACHMENTS, parent_remote_ids=["1", "6"]).items
    by_id = connector.read(ReadModel.ATTACHMENTS, remote_ids=["2:cv", "6:cv"]).items

    assert by_parent == [
        RemoteAttachment(
            remote_id="1:cv",
            candidate_remote_id="1",
            application_remote_id="1",
            file_name="Diego_Schmidt_CV.pdf",
            type="CV",
            content_type="application/pdf",
            remote_created_at=by_parent[0].remote_created_at,
            remote_updated_at=by_parent[0].remote_created_at,
            remote_data=by_parent[0].remote_data,
        )
    ]  # application 6 has no CV
    assert "url" not in by_parent[0].remote_data
    assert [item.remote_id for item in by_id] == ["2:cv"]


def test_notes_are_feedbacks(connector: FactorialConnector, fa: FA) -> None:
    created = fa.post(
        "/ats/feedbacks", json={"ats_candidate_id": 2, "ats_application_id": 2, "description": "Great <b>fit</b>"}
    ).json()

    notes = _by_id(read_all_items(connector, ReadModel.NOTES))

    assert notes[str(created["id"])] == RemoteNote(
        remote_id=str(created["id"]),
        candidate_remote_id="2",
        application_remote_id="2",
        content_html="Great &lt;b&gt;fit&lt;/b&gt;",
        remote_created_at=datetime(2025, 3, 1, 12, 0, tzinfo=UTC),
        remote_updated_at=datetime(2025, 3, 1, 12, 0, tzinfo=UTC),
        remote_data=created,
    )


def test_models_factorial_does_not_have_are_unsupported(connector: FactorialConnector) -> None:
    for model in (ReadModel.OFFERS, ReadModel.INTERVIEWS, ReadModel.TAGS, ReadModel.ROLES, ReadModel.SCORECARDS):
        assert not connector.covers(model)
        with pytest.raises(ConnectorUnsupported):
            connector.read(model)


def test_string_ids_from_the_api_are_read_like_integers(connector: FactorialConnector, fa: FA) -> None:
    # The 2026-10-01 OAS declares ids as strings while the examples use integers: answer strings once.
    body = fa.get("/ats/candidates", params={"ids[]": [1]}).json()
    stringly = {
        **body,
        "data": [{**item, "id": str(item["id"]), "source_id": str(item["source_id"])} for item in body["data"]],
    }
    fa.control("POST", "/faults", json={"kind": "status", "status": 200, "body": stringly, "count": 1})

    (candidate,) = connector.read(ReadModel.CANDIDATES, remote_ids=["1"]).items

    assert (candidate.remote_id, candidate.source) == ("1", "Indeed")


def test_ids_that_cannot_be_factorial_ids_are_not_sent(connector: FactorialConnector) -> None:
    assert connector.read(ReadModel.APPLICATIONS, remote_ids=["not-a-number"]).items == []
    assert connector.read(ReadModel.JOBS, remote_ids=["2", "x"]).items[0].remote_id == "2"
