"""The SmartRecruiters connector's reads, sources, scope tests and OAuth against the emulator (manual clock, no
limits): field-by-field mapping of seeded records with known values."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from apps.connectors.base import ConnectorContext
from apps.connectors.catalog import AuthKind, ReadModel
from apps.connectors.dtos import (
    Location,
    OAuthClient,
    RemoteHiringTeamMember,
    RemoteJobPosting,
    RoleAssignment,
    ScreeningQuestionOption,
    SocialMedia,
)
from apps.connectors.emulation.clock import ManualClock
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.errors import ConnectorAuthError, ConnectorInputError, ConnectorPermissionError
from apps.connectors.http import HttpClient
from apps.connectors.smartrecruiters.connector import SmartRecruitersConnector
from apps.connectors.smartrecruiters.emulator import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REDIRECT_URI,
    SmartRecruitersEmulator,
)
from tests.connectors.smartrecruiters.conftest import SR
from tests.connectors.smartrecruiters.harness import Emulator, sr_connector


@pytest.fixture
def emulator(sr_server: LoopbackServer, sr_app: SmartRecruitersEmulator) -> Emulator:
    return Emulator(sr_server, sr_app)


@pytest.fixture
def connector(sr_server: LoopbackServer) -> SmartRecruitersConnector:
    return sr_connector(sr_server.url)


def read_all(connector: SmartRecruitersConnector, model: ReadModel, **kwargs: object) -> list:
    items, cursor = [], None
    while True:
        page = connector.read(model, cursor=cursor, **kwargs)  # type: ignore[arg-type]
        items.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return items


def test_job_carries_details_stages_questions_postings_and_team(
    connector: SmartRecruitersConnector, emulator: Emulator
) -> None:
    job_id = emulator.public_job()["id"]
    team = {user["firstName"]: user["id"] for user in emulator.state()["users"]}

    (job,) = connector.read(ReadModel.JOBS, remote_ids=[job_id]).items

    assert (job.name, job.job_code, job.status, job.visibility, job.employment_type) == (
        "Backend Engineer",
        "REF-1000",
        "OPEN",
        "PUBLIC",
        "FULL_TIME",
    )
    assert (job.department, job.category, job.experience_level) == ("Engineering", "Engineering", "Mid-Senior Level")
    assert (job.salary_amount_from, job.salary_amount_to, job.salary_currency) == (40000, 60000, "EUR")
    assert job.location == Location(
        city="Barcelona", country="ES", raw="Barcelona, Catalonia, Spain", state="Catalonia"
    )
    assert (job.opened_at, job.closed_at) == (datetime(2024, 1, 9, 9, 0, tzinfo=UTC), None)
    assert job.remote_created_at == datetime(2024, 1, 8, 9, 0, tzinfo=UTC)
    assert job.description.startswith("<h3>Company Description</h3><p>Acme Corp builds software.</p>")
    assert [stage.remote_id for stage in job.stages][:5] == [
        "LEAD",
        "NEW",
        "IN_REVIEW",
        "IN_REVIEW:Screening call",
        "IN_REVIEW:Hiring manager review",
    ]
    assert [stage.status for stage in job.stages if stage.remote_id == "IN_REVIEW:Old screening"] == ["INACTIVE"]
    assert job.stages[-1].remote_id == "HIRED"
    questions = {question.title: question for question in job.screening_questions}
    assert [(q.format_type, q.required) for q in job.screening_questions] == [
        ("SINGLE_SELECT", True),
        ("SINGLE_SELECT", True),
        ("TEXT", True),
        ("TEXT", False),
        ("MULTI_SELECT", False),
        ("BOOLEAN", False),
        ("INFORMATION", False),
    ]
    permit = questions["Are you legally authorized to work in Spain?"]
    visa = questions["Which sponsorship would you need?"]
    assert permit.options == (ScreeningQuestionOption("yes", "Yes"), ScreeningQuestionOption("no", "No"))
    assert permit.format_details == {"display_type": "RADIO"}
    assert (visa.precondition_question_remote_id, visa.precondition_options) == (permit.remote_id, ("no",))
    assert questions["How many years of professional experience do you have?"].description == "Years"
    assert questions["About our process"].description == "Our interview process takes about two weeks."
    (posting,) = job.job_postings
    assert posting == RemoteJobPosting(
        remote_id=posting.remote_id,
        title="Backend Engineer",
        description_html=job.description,
        url=job.post_url,
        status="ACTIVE",
        visibility="PUBLIC",
        remote_data=posting.remote_data,
    )
    assert job.post_url.endswith(f"/publication/{emulator.public_job()['posting']['uuid']}")
    assert job.hiring_team[0] == RemoteHiringTeamMember(
        user_remote_id=team["Ana"],
        job_roles=(RoleAssignment("HIRING_MANAGER", "Hiring manager", "HIRING_MANAGER"),),
    )
    assert [m.job_roles[0].unified_type for m in job.hiring_team] == ["HIRING_MANAGER", "RECRUITER", "INTERVIEWER"]
    assert job.contact_remote_id == team["Ana"]


def test_candidate_application_and_user_fields(connector: SmartRecruitersConnector, emulator: Emulator) -> None:
    state = emulator.state()
    seeded = state["candidates"][0]  # Diego Schmidt: applications OFFERED (Offer sent) and …

    (candidate,) = connector.read(ReadModel.CANDIDATES, remote_ids=[seeded["id"], "no-such-candidate"]).items
    applications = [
        app for app in read_all(connector, ReadModel.APPLICATIONS) if app.candidate_remote_id == seeded["id"]
    ]
    users = read_all(connector, ReadModel.USERS)

    assert (candidate.first_name, candidate.last_name, candidate.tags[0].name) == ("Diego", "Schmidt", "top-talent")
    assert [email.email_address for email in candidate.email_addresses] == ["diego.schmidt.0@example.com"]
    assert [phone.phone_number for phone in candidate.phone_numbers] == ["+34600000000"]
    assert candidate.social_media == (SocialMedia(link="https://www.linkedin.com/in/diego-schmidt-0", type="LINKEDIN"),)
    assert candidate.location == Location(city="Barcelona", country="ES", raw="Barcelona, Spain")
    assert (candidate.company, candidate.title) == ("Previous Co", "Engineer")
    assert candidate.remote_created_at == datetime(2024, 2, 17, 9, 0, tzinfo=UTC)
    assert candidate.remote_url == f"{emulator.url}/app/people/candidates/{seeded['id']}"
    by_status = {app["jobId"]: app for app in state["applications"] if app["candidateId"] == seeded["id"]}
    assert {app.job_remote_id for app in applications} == set(by_status)
    for app in applications:
        expected = by_status[app.job_remote_id]
        assert app.outcome == {"HIRED": "HIRED", "REJECTED": "DECLINED", "WITHDRAWN": "DECLINED"}.get(
            expected["status"], "PENDING"
        )
        assert app.source == expected["source"]["label"]
    offered = next(app for app in applications if by_status[app.job_remote_id]["status"] == "OFFERED")
    assert offered.current_stage_remote_id == "OFFERED:Offer sent"
    ana = next(user for user in users if user.first_name == "Ana")
    assert (ana.email, ana.status) == ("ana.ruiz0@acme.example", "ACTIVE")
    assert ana.system_roles == (RoleAssignment("ADMINISTRATOR", "Administrator", "ADMIN"),)
    assert len(users) == 6


def test_notes_drop_markup_and_belong_to_the_job_they_name(
    connector: SmartRecruitersConnector, emulator: Emulator
) -> None:
    state = emulator.state()
    message = state["messages"][0]
    candidate_id = message["candidateIds"][0]
    user = state["users"][1]
    emulator.api(
        "POST",
        "/messages/shares",
        json={
            "content": f"Ask @[USER:{user['id']}] about #[CANDIDATE:{candidate_id}] today\n\n"
            f"#[CANDIDATE:{candidate_id}]",
            "shareWith": {"openNote": True},
        },
    )

    notes = connector.read(ReadModel.NOTES, parent_remote_ids=[candidate_id]).items

    by_text = {note.content_html: note for note in notes}
    candidate = next(c for c in state["candidates"] if c["id"] == candidate_id)
    name = f"{candidate['firstName']} {candidate['lastName']}"
    job_id = message["shareWith"]["hiringTeamOf"][0]
    title = next(job["title"] for job in state["jobs"] if job["id"] == job_id)
    seeded = by_text[f"Spoke with {name} about {title}."]
    assert seeded.application_remote_id == f"{candidate_id}:{job_id}"
    assert seeded.author_remote_id == message["authorId"]
    shared = by_text[f"Ask @{user['id']} about {name} today"]
    assert shared.application_remote_id is None
    assert shared.remote_id != seeded.remote_id
    assert connector.read(ReadModel.NOTES, parent_remote_ids=[candidate_id]).items == notes  # stable ids
    with pytest.raises(ConnectorInputError):
        connector.read(ReadModel.NOTES)


def test_delta_by_remote_id_visits_only_changed_candidates(
    connector: SmartRecruitersConnector, emulator: Emulator, sr_clock: ManualClock
) -> None:
    state = emulator.state()
    first, second = state["applications"][0], state["applications"][1]
    since = sr_clock.now()
    sr_clock.advance(60)
    emulator.move(second["candidateId"], second["jobId"], "WITHDRAWN", reason=state["withdrawalReasons"][0]["id"])

    changed = connector.read(
        ReadModel.APPLICATIONS,
        remote_ids=[f"{first['candidateId']}:{first['jobId']}", f"{second['candidateId']}:{second['jobId']}"],
        updated_since=since,
    ).items

    (withdrawn,) = changed
    assert withdrawn.remote_id == f"{second['candidateId']}:{second['jobId']}"
    assert (withdrawn.outcome, withdrawn.rejection_reason_remote_id) == ("DECLINED", None)
    assert withdrawn.rejection_reason_name == state["withdrawalReasons"][0]["label"]
    assert withdrawn.rejected_at == sr_clock.now()


def test_sources_of_the_allowed_type_and_read_back(connector: SmartRecruitersConnector, emulator: Emulator) -> None:
    created = emulator.control("POST", "/sources", json={"label": "Acme Jobs", "type": "paid", "subtype": "job_board"})
    elsewhere = emulator.control("POST", "/sources", json={"label": "Elsewhere Jobs", "type": "other"})

    labels = [source.label for source in connector.list_sources()]
    found = connector.find_source("Acme Jobs")

    assert labels == ["LinkedIn", "Indeed", "StepStone", "Facebook Ads", "Acme Jobs"]
    assert (found.remote_id, found.type, found.subtype) == (f"paid:{created['id']}", "paid", "job_board")
    assert connector.find_source("acme jobs") is None  # exact name only
    assert connector.find_source("Elsewhere Jobs") is None  # another type
    assert connector.get_source(f"other:{elsewhere['id']}").label == "Elsewhere Jobs"
    emulator.control("DELETE", f"/sources/{created['sourceIdentifier']}")
    assert connector.get_source(found.remote_id) is None
    application = emulator.state()["applications"][0]
    shown = connector.read_application_source(
        application_remote_id=f"{application['candidateId']}:{application['jobId']}"
    )
    assert (shown.remote_id, shown.label) == (
        f"{application['source']['type']}:{application['source']['value']}",
        application["source"]["label"],
    )


def _oauth_connector(
    url: str, credentials: dict[str, str], saved: list[dict[str, str]], kind: AuthKind
) -> SmartRecruitersConnector:
    return SmartRecruitersConnector(
        ConnectorContext(
            integration_key="smartrecruiters:oauth",
            base_url=url,
            credentials=credentials,
            auth_kind=kind,
            http=HttpClient(base_url=url),
            save_credentials=saved.append,
        )
    )


def test_scope_tests_name_the_missing_permission(sr: SR) -> None:
    token = sr.control("POST", "/oauth/tokens", json={"scopes": ["jobs_read", "candidates_read", "users_read"]}).json()
    connector = _oauth_connector(
        sr.url, {"access_token": token["access_token"], "expires_at": ""}, [], AuthKind.OAUTH2_CLIENT_CREDENTIALS
    )

    connector.verify_credentials()
    results = {}
    for test in connector.scope_tests:
        try:
            connector.run_scope_test(test.id)
            results[test.id] = True
        except ConnectorPermissionError:
            results[test.id] = False

    assert results == {
        "candidates_read": True,
        "candidates_create": False,
        "candidates_manage": False,
        "candidate_applications_manage": False,
        "jobs_read": True,
        "configuration_read": False,
        "users_read": True,
        "candidates_offers_read": False,
        "messages": False,
        "interviews_read": False,
    }
    sr_connector(sr.url).run_scope_test("messages")  # an API key may do everything


def test_authorization_code_round_trip_and_refresh_persists_rotated_tokens(sr: SR) -> None:
    client = OAuthClient(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
    flow = sr_connector(sr.url)
    url = flow.oauth_authorize_url(
        client=client,
        redirect_uri=DEFAULT_REDIRECT_URI,
        state="st-1",
        scopes=["jobs_read", "candidates_read", "configuration_read"],
    )
    page = requests.get(url, timeout=10)
    fields = dict(re.findall(r"<input type='hidden' name='(\w+)' value='([^']*)'>", page.text))
    redirect = requests.post(
        f"{sr.url}/identity/oauth/allow", data={**fields, "decision": "allow"}, allow_redirects=False, timeout=10
    )
    code = parse_qs(urlsplit(redirect.headers["Location"]).query)["code"][0]

    credentials = flow.oauth_exchange_code(client=client, code=code, redirect_uri=DEFAULT_REDIRECT_URI)
    saved: list[dict[str, str]] = []
    connector = _oauth_connector(sr.url, credentials, saved, AuthKind.OAUTH2_AUTHORIZATION_CODE)
    connector.verify_credentials()
    sr.control("POST", "/tokens/expire")
    jobs = connector.read(ReadModel.JOBS, remote_ids=[sr.state()["jobs"][3]["id"]]).items

    assert url.startswith(f"{sr.url}/identity/oauth/allow?client_id=emulator-client&")
    assert parse_qs(urlsplit(url).query)["scope"] == ["jobs_read candidates_read configuration_read"]
    assert (credentials["client_id"], credentials["client_secret"]) == (DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
    assert abs(int(credentials["expires_at"]) - (time.time() + 1800)) <= 5  # expires_in counts from now
    assert len(jobs) == 1
    assert len(saved) == 1  # refreshed once, persisted once
    assert saved[0]["refresh_token"] != credentials["refresh_token"]  # rotated (single use)
    assert saved[0]["access_token"] != credentials["access_token"]
    sr.control("POST", "/tokens/expire", json={"refreshTokens": True})
    revoked = _oauth_connector(sr.url, saved[0], [], AuthKind.OAUTH2_AUTHORIZATION_CODE)
    with pytest.raises(ConnectorAuthError):
        revoked.read(ReadModel.USERS)


def test_client_credentials_fetch_a_token_and_keep_it(sr: SR) -> None:
    saved: list[dict[str, str]] = []
    connector = _oauth_connector(
        sr.url,
        {"client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET},
        saved,
        AuthKind.OAUTH2_CLIENT_CREDENTIALS,
    )

    connector.verify_credentials()
    connector.read(ReadModel.REJECTION_REASONS)

    assert len(saved) == 1  # one token for both calls
    assert saved[0]["client_id"] == DEFAULT_CLIENT_ID
    assert saved[0]["access_token"]
    wrong = _oauth_connector(
        sr.url, {"client_id": DEFAULT_CLIENT_ID, "client_secret": "nope"}, [], AuthKind.OAUTH2_CLIENT_CREDENTIALS
    )
    with pytest.raises(ConnectorAuthError):
        wrong.verify_credentials()
