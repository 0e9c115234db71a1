"""Personio's create in detail (against the emulator, no write path): the channel from the source mapping, the
candidate's attributes, stage, documents and `remote_fields`; a deleted channel; the channel checks; read-back."""

from __future__ import annotations

from datetime import date

import pytest

from apps.connectors.dtos import (
    AttachmentInput,
    CandidateInput,
    CreateApplicationInput,
    Location,
    SalaryExpectation,
    SourceInstruction,
)
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.errors import ConnectorInputError, ConnectorNotFound
from apps.connectors.personio.writes import PersonioWrites
from tests.connectors.personio.conftest import PE
from tests.connectors.personio.harness import personio_connector

CV = AttachmentInput(name="cv.pdf", type="CV", content_type="application/pdf", data=b"%PDF-1.4 cv")
LETTER = AttachmentInput(name="letter.docx", type="COVER_LETTER", content_type="application/msword", data=b"doc")


def test_a_create_carries_the_channel_attributes_stage_files_and_remote_fields(
    pe: PE, personio_server: LoopbackServer
) -> None:
    connector = personio_connector(personio_server.url)
    job = pe.published_job()
    channel = pe.control("POST", "/channels", json={"name": "Acme Jobs"}).json()
    screening = next(
        s for s in pe.v2(f"/categories/{job['category_id']}").json()["_data"]["stages"] if s["name"] == "Screening"
    )

    result = connector.create_application(
        CreateApplicationInput(
            job_remote_id=str(job["id"]),
            candidate=CandidateInput(
                first_name="Ada", last_name="Lovelace", email_address="ada@example.com", phone_number="+44 1",
                location=Location(city="London", country="GB"), gender="OTHER", availability_date=date(2025, 4, 1),
                salary_expectation=SalaryExpectation(period="YEAR", amount=90000),
            ),
            stage_remote_id=screening["id"],
            attachments=(CV, LETTER),
            source=SourceInstruction(name="Acme Jobs", remote_id=str(channel["id"])),
            remote_fields={"application": {"message": "Hello Personio", "tags": ["tributary"]}},
        )
    )  # fmt: skip

    [stored] = pe.state()["applications"][-1:]
    assert result.application.remote_id == str(stored["id"])
    assert (result.application.current_stage_remote_id, result.application.source) == (screening["id"], "Acme Jobs")
    assert (result.candidate_existed, result.warnings) == (False, ())
    assert stored["channel_id"] == channel["id"]
    assert stored["attributes"] == {
        "phone": "+44 1", "location": "London, GB", "gender": "diverse", "available_from": "2025-04-01",
        "salary_expectations": "90000 per year",
    }  # fmt: skip
    assert [(f["original_filename"], f["category"]) for f in stored["files"]] == [
        ("cv.pdf", "cv"), ("letter.docx", "cover-letter"),
    ]  # fmt: skip
    assert (stored["message"], stored["tags"]) == ("Hello Personio", ["tributary"])
    assert connector.read_application_source(application_remote_id=str(stored["id"])).label == "Acme Jobs"  # type: ignore[union-attr]
    assert connector.read_candidate_source(str(stored["candidate_id"])).remote_id == str(channel["id"])  # type: ignore[union-attr]


def test_a_deleted_channel_is_dropped_with_a_warning_and_a_second_job_reuses_the_candidate(
    pe: PE, personio_server: LoopbackServer
) -> None:
    connector = personio_connector(personio_server.url)
    first, second = [job for job in pe.state()["jobs"] if job["status"] == "published"][:2]
    channel = pe.control("POST", "/channels", json={"name": "Acme Jobs"}).json()
    pe.control("DELETE", f"/channels/{channel['id']}")
    person = CandidateInput(first_name="Grace", last_name="Hopper", email_address="grace@example.com")
    source = SourceInstruction(name="Acme Jobs", remote_id=str(channel["id"]))

    gone = connector.create_application(
        CreateApplicationInput(job_remote_id=str(first["id"]), candidate=person, source=source)
    )
    again = connector.create_application(CreateApplicationInput(job_remote_id=str(second["id"]), candidate=person))

    assert gone.warnings == (
        f"source: Personio no longer knows the recruiting channel {channel['id']}; none was written.",
    )
    assert gone.application.source is None
    assert again.candidate_existed is True
    assert again.candidate.remote_id == gone.candidate.remote_id


def test_the_channel_checks_name_personios_reason(pe: PE, personio_server: LoopbackServer) -> None:
    connector = personio_connector(personio_server.url)
    assert isinstance(connector, PersonioWrites)
    channel = pe.control("POST", "/channels", json={"name": "Acme Jobs"}).json()
    applications = len(pe.state()["applications"])

    found = connector.select_source(str(channel["id"]))
    with pytest.raises(ConnectorNotFound) as unknown:
        connector.select_source("424242")
    with pytest.raises(ConnectorInputError):
        connector.select_source("acme-jobs")

    assert (found.remote_id, found.label) == (str(channel["id"]), f"Recruiting channel {channel['id']}")
    assert connector.get_source(str(channel["id"])) == found
    assert connector.get_source("424242") is None
    assert connector.find_source("Acme Jobs") is None  # channels cannot be found by name
    assert unknown.value.remote_message == (
        "recruiting_channel_id: errors.posting-validation.channel-not-found "
        "(The recruiting channel could not be found.)"
    )
    assert len(pe.state()["applications"]) == applications  # the checks created nothing
