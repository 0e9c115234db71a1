"""POST /v1/passthrough/{tool}/{api} through the official SDK, over loopback, against the SmartRecruiters and Factorial
emulators: the ATS's answers come back as they are (any status), writes land in the emulator's state, refusals and
transport failures answer the contract's codes, and the shared rate limiter paces the calls."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from kombo import Kombo
from kombo.errors import KomboGeneralError

from apps.connectors.catalog import AuthKind
from apps.connectors.dtos import PassthroughResponse
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.factorial.emulator import DEFAULT_API_KEY as FACTORIAL_KEY
from apps.connectors.factorial.emulator import create_app as factorial_app
from apps.connectors.smartrecruiters.emulator import (
    DEFAULT_API_KEY,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    SmartRecruitersEmulator,
)
from apps.connectors.smartrecruiters.emulator import create_app as sr_app
from apps.integrations.enabled import MESSAGE_DISABLED
from apps.integrations.models import Environment, Integration, RateLimitState
from apps.integrations.passthrough_services import present_response
from apps.integrations.selectors import integration_credentials
from apps.integrations.services import integration_set_credentials
from tests.factories.integrations import IntegrationFactory

SEED = {"seed": 3, "users": 1, "jobs": 3, "candidates": 2, "applications": 0}
PDF = b"%PDF-1.4\n% Ada Lovelace, CV\n"


class Emulator:
    def __init__(self, url: str, app: Any) -> None:
        self.url = url
        self.app = app

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        response = requests.request(method, f"{self.url}/_emulator{path}", timeout=10, **kwargs)
        response.raise_for_status()
        return response.json()

    def state(self) -> dict[str, Any]:
        return self.control("GET", "/state")

    def stats(self) -> dict[str, Any]:
        return self.control("GET", "/stats")


@pytest.fixture
def sr() -> Iterator[Emulator]:
    app: SmartRecruitersEmulator = sr_app(seed=SEED, limits_enabled=True)  # the real clock, SmartRecruiters' limits
    with LoopbackServer(app) as server:
        yield Emulator(server.url, app)


@pytest.fixture
def sr_integration(environment: Environment, sr: Emulator) -> Integration:
    return IntegrationFactory(
        environment=environment,
        tool="smartrecruiters",
        auth_kind=AuthKind.API_KEY,
        credentials={"api_key": DEFAULT_API_KEY},
        base_url=sr.url,
    )


@pytest.fixture
def sdk(kombo_client: Callable[..., Kombo], sr_integration: Integration) -> Kombo:
    return kombo_client(integration_id=sr_integration.id)


def refused(call: Callable[[], Any]) -> tuple[int, str | None, str]:
    with pytest.raises(KomboGeneralError) as caught:
        call()
    return caught.value.status_code, caught.value.data.error.code, str(caught.value)


def test_get_jobs_comes_back_as_the_ats_answered(sdk: Kombo, sr: Emulator) -> None:
    answer = sdk.general.send_passthrough_request(
        tool="smartrecruiters", api="default", method="GET", path="/jobs", params={"limit": "100"},
        headers={"Accept-Language": "en"}, api_options={"flavour": "x"},
    )  # fmt: skip

    job_ids = [job["id"] for job in sr.state()["jobs"]]
    assert len(job_ids) == 3
    assert (answer.data.status, answer.data.url) == (200, f"{sr.url}/jobs?limit=100")
    assert [job["id"] for job in answer.data.data["content"]] == job_ids
    assert answer.data.data["totalFound"] == 3
    assert answer.data.headers["Content-Type"] == "application/json;charset=UTF-8"
    assert answer.data.headers["X-RateLimit-Limit"] == "10"
    assert [warning.message for warning in answer.warnings] == [
        "api_options.flavour: SmartRecruiters has no such option; ignored."
    ]


def test_a_post_creates_in_the_ats_and_caller_auth_headers_are_not_forwarded(sdk: Kombo, sr: Emulator) -> None:
    answer = sdk.general.send_passthrough_request(
        tool="smartrecruiters", api="default", method="POST", path="candidates",
        data={"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com"},
        headers={"Authorization": "Bearer stolen", "x-smarttoken": "someone-elses", "Connection": "close"},
    )  # fmt: skip

    assert answer.data.status == 201
    created = next(c for c in sr.state()["candidates"] if c["email"] == "ada@example.com")
    assert (answer.data.data["id"], created["firstName"], created["lastName"]) == (created["id"], "Ada", "Lovelace")
    assert [warning.message for warning in answer.warnings] == [
        "headers.Authorization: not forwarded (Tributary authenticates every passthrough request itself).",
        "headers.x-smarttoken: not forwarded (Tributary authenticates every passthrough request itself).",
        "headers.Connection: not forwarded (it describes the connection, which Tributary makes).",
    ]


def test_a_string_body_is_sent_raw_with_the_callers_content_type(sdk: Kombo, sr: Emulator) -> None:
    candidate_id = sr.state()["candidates"][0]["id"]

    answer = sdk.general.send_passthrough_request(
        tool="smartrecruiters", api="default", method="PUT", path=f"/candidates/{candidate_id}/tags",
        headers={"Content-Type": "application/json"}, data='{"tags": ["passthrough", "raw"]}',
    )  # fmt: skip

    assert (answer.data.status, answer.data.data) == (200, {"tags": ["passthrough", "raw"]})
    assert next(c for c in sr.state()["candidates"] if c["id"] == candidate_id)["tags"] == ["passthrough", "raw"]


def test_an_upstream_404_is_passed_through_with_the_vendor_body(sdk: Kombo) -> None:
    answer = sdk.general.send_passthrough_request(
        tool="smartrecruiters", api="default", method="GET", path="/jobs/does-not-exist"
    )

    assert answer.data.status == 404
    assert answer.data.data == {
        "message": "Job with id does-not-exist not found",
        "errors": [{"code": "NOT_FOUND", "message": "Job with id does-not-exist not found"}],
    }
    assert answer.warnings == []


def test_a_multipart_upload_then_the_file_back_as_base64(sdk: Kombo, sr: Emulator) -> None:
    candidate_id = sr.state()["candidates"][0]["id"]

    uploaded = sdk.general.send_passthrough_request(
        tool="smartrecruiters", api="default", method="POST", path=f"/candidates/{candidate_id}/attachments",
        headers={"Content-Type": "application/json"},
        multipart_form_data=[
            {"name": "attachmentType", "value": "RESUME"},
            {"name": "file", "value": {"name": "cv.pdf", "content_type": "application/pdf",
                                       "data": base64.b64encode(PDF).decode()}},
        ],
    )  # fmt: skip

    assert uploaded.data.status == 201
    (stored,) = sr.state()["attachments"]
    assert (stored["candidateId"], stored["name"], stored["type"]) == (candidate_id, "cv.pdf", "RESUME")
    assert (stored["size"], stored["sha256"]) == (len(PDF), hashlib.sha256(PDF).hexdigest())
    assert [warning.message for warning in uploaded.warnings] == [
        "headers.Content-Type: not forwarded (the multipart body sets its own Content-Type with the boundary)."
    ]
    downloaded = sdk.general.send_passthrough_request(
        tool="smartrecruiters", api="default", method="GET",
        path=f"/candidates/{candidate_id}/attachments/{uploaded.data.data['id']}", response_as_base64=True,
    )  # fmt: skip
    assert (downloaded.data.status, downloaded.data.data) == (200, base64.b64encode(PDF).decode())
    assert downloaded.data.headers["Content-Type"] == "application/pdf"


def test_factorial_through_its_api_base(kombo_client: Callable[..., Kombo], environment: Environment) -> None:
    app = factorial_app(limits_enabled=False)
    with LoopbackServer(app) as server:
        url = server.url
        integration = IntegrationFactory(
            environment=environment,
            tool="factorial",
            auth_kind=AuthKind.API_KEY,
            credentials={"api_key": FACTORIAL_KEY},
            base_url=url,
        )
        answer = kombo_client(integration_id=integration.id).general.send_passthrough_request(
            tool="factorial", api="api", method="GET", path="/2026-10-01/resources/ats/job_postings"
        )
        postings = requests.get(f"{url}/_emulator/state", timeout=10).json()["jobPostings"]

    assert (answer.data.status, answer.data.url) == (200, f"{url}/api/2026-10-01/resources/ats/job_postings")
    assert [item["id"] for item in answer.data.data["data"]] == [posting["id"] for posting in postings]
    assert len(postings) == 4


@pytest.mark.parametrize(
    ("tool", "api", "path", "message"),
    [
        (
            "factorial",
            "default",
            "/jobs",
            "tool: must be 'smartrecruiters', the tool of this integration; got 'factorial'.",
        ),
        ("smartrecruiters", "v1", "/jobs", "api: must be one of default for smartrecruiters; got 'v1'."),
        (
            "smartrecruiters",
            "default",
            "http://127.0.0.2:9/jobs",
            "path: must be a path relative to the API base URL, not an absolute URL.",
        ),
        (
            "smartrecruiters",
            "default",
            "//127.0.0.2:9/jobs",
            "path: must be a path relative to the API base URL, not a network address (//host).",
        ),
        ("smartrecruiters", "default", "/jobs/../../admin", "path: must not climb out of the API base URL (..)."),
        ("smartrecruiters", "default", "/%2e%2e/admin", "path: must not climb out of the API base URL (..)."),
        ("smartrecruiters", "default", "\\\\127.0.0.2\\jobs", "path: must not contain backslashes."),
    ],
)
def test_refusals_name_the_parameter_and_never_reach_any_host(
    sdk: Kombo, sr: Emulator, tool: str, api: str, path: str, message: str
) -> None:
    status, code, text = refused(
        lambda: sdk.general.send_passthrough_request(tool=tool, api=api, method="GET", path=path)
    )

    assert (status, code, text) == (400, "PLATFORM.INPUT_INVALID", message)
    assert sr.stats()["totalRequests"] == 0


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({"X-Note": "caf\u00e9 \U0001f642"}, "headers.X-Note: must contain only ISO-8859-1 (Latin-1) characters."),
        ({"X-Note": "a\r\nb"}, "headers.X-Note: must not contain line breaks."),
    ],
)
def test_a_header_value_http_cannot_carry_is_refused(
    sdk: Kombo, sr: Emulator, headers: dict[str, str], message: str
) -> None:
    status, code, text = refused(
        lambda: sdk.general.send_passthrough_request(
            tool="smartrecruiters", api="default", method="GET", path="/jobs", headers=headers
        )
    )

    assert (status, code, text) == (400, "PLATFORM.INPUT_INVALID", message)
    assert sr.stats()["totalRequests"] == 0


def test_a_sandbox_integration_has_no_passthrough(kombo: Kombo) -> None:
    status, code, text = refused(
        lambda: kombo.general.send_passthrough_request(tool="sandbox", api="default", method="GET", path="/jobs")
    )

    assert (status, code, text) == (400, "PLATFORM.INPUT_INVALID", "api: Sandbox offers no passthrough API.")


def test_a_disabled_integration_is_refused_like_force_sync(sdk: Kombo, sr_integration: Integration) -> None:
    Integration.objects.filter(id=sr_integration.id).update(enabled=False)

    status, code, text = refused(
        lambda: sdk.general.send_passthrough_request(tool="smartrecruiters", api="default", method="GET", path="/jobs")
    )

    assert (status, code, text) == (
        400,
        "PLATFORM.INPUT_INVALID",
        MESSAGE_DISABLED.format(id=sr_integration.id),
    )


def test_a_dropped_connection_is_an_error_and_a_write_is_sent_once(sdk: Kombo, sr: Emulator) -> None:
    fault = sr.control("POST", "/faults", json={"kind": "drop", "method": "POST", "path": "/candidates", "count": 5})

    status, code, text = refused(
        lambda: sdk.general.send_passthrough_request(
            tool="smartrecruiters",
            api="default",
            method="POST",
            path="/candidates",
            data={"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com"},
        )  # fmt: skip
    )

    assert (status, code) == (502, "PLATFORM.UNKNOWN_ERROR")
    assert text == (
        "The ATS did not answer (POST /candidates: no answer from the ATS (ConnectionError); the write may or may "
        "not have happened). The request may have reached it; it was not sent again."
    )
    (after,) = sr.control("GET", "/faults")["faults"]
    assert (after["id"], after["hits"]) == (fault["id"], 1)


def test_a_burst_is_paced_by_the_shared_rate_limiter(sdk: Kombo, sr: Emulator, sr_integration: Integration) -> None:
    # 14 calls at the speed of loopback would break SmartRecruiters' 10 requests per second without the limiter.
    statuses = [
        sdk.general.send_passthrough_request(
            tool="smartrecruiters", api="default", method="GET", path="/jobs", params={"limit": "1"}
        ).data.status
        for _ in range(14)
    ]

    stats = sr.stats()
    assert statuses == [200] * 14
    assert (stats["totalRequests"], stats["rateLimited"]) == (14, 0)
    assert RateLimitState.objects.filter(key=sr_integration.id).exists()


def test_an_expired_oauth_token_is_renewed_and_a_refused_renewal_invalidates(
    kombo_client: Callable[..., Kombo], environment: Environment, sr: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    integration = IntegrationFactory(
        environment=environment,
        tool="smartrecruiters",
        auth_kind=AuthKind.OAUTH2_CLIENT_CREDENTIALS,
        credentials={"client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET},
        base_url=sr.url,
    )
    sdk = kombo_client(integration_id=integration.id)

    def users() -> Any:
        return sdk.general.send_passthrough_request(
            tool="smartrecruiters", api="default", method="GET", path="/configuration/rejection-reasons"
        ).data

    first = users()
    caplog.clear()
    token = integration_credentials(Integration.objects.get(id=integration.id))["access_token"]
    assert sr.control("POST", "/tokens/expire")["expiredAccessTokens"] == 1
    second = users()
    renewed = integration_credentials(Integration.objects.get(id=integration.id))["access_token"]

    assert (first.status, second.status) == (200, 200)
    assert renewed != token
    sent = [record.getMessage().split(" in ")[0] for record in caplog.records if record.name == "apps.connectors.http"]
    assert sent == [
        "GET /configuration/rejection-reasons -> 401",
        "POST /identity/oauth/token -> 200",
        "GET /configuration/rejection-reasons -> 200",
    ]

    # the client secret is rotated in SmartRecruiters: no new token can be had
    integration_set_credentials(
        integration=integration, credentials={"client_id": DEFAULT_CLIENT_ID, "client_secret": "wrong"}
    )
    status, code, text = refused(users)
    assert (status, code, text) == (
        403,
        "PLATFORM.AUTHENTICATION_INVALID",
        "The ATS rejected the integration's credentials and they could not be renewed; relink the integration.",
    )
    assert Integration.objects.get(id=integration.id).state == Integration.State.INVALID
    calls = sr.stats()["totalRequests"]
    assert refused(users) == (
        403,
        "PLATFORM.AUTHENTICATION_INVALID",
        "The ATS rejected the integration's credentials; relink the integration first.",
    )
    assert sr.stats()["totalRequests"] == calls  # refused without asking the ATS


def test_the_answer_keeps_repeated_headers_as_lists_and_drops_hop_by_hop_ones() -> None:
    response = PassthroughResponse(
        url="https://api.smartrecruiters.com/x",
        status=200,
        headers=(
            ("Content-Type", "text/plain; charset=latin-1"),
            ("Set-Cookie", "a=1"),
            ("set-cookie", "b=2"),
            ("Connection", "keep-alive"),
            ("Transfer-Encoding", "chunked"),
        ),
        content="Grüße".encode("latin-1"),
    )

    assert present_response(response, as_base64=False) == {
        "url": "https://api.smartrecruiters.com/x",
        "status": 200,
        "headers": {"Content-Type": "text/plain; charset=latin-1", "Set-Cookie": ["a=1", "b=2"]},
        "data": "Grüße",
    }
    empty = PassthroughResponse(url="u", status=204, headers=(), content=b"")
    assert present_response(empty, as_base64=False)["data"] is None
    broken = PassthroughResponse(url="u", status=502, headers=(("Content-Type", "application/json"),), content=b"<h")
    assert present_response(broken, as_base64=False)["data"] == "<h"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "multipart_form_data[0].value: expected a string or a file object {name, content_type, data | data_url}."),
        ({"content_type": "text/plain"}, "multipart_form_data[0].value.name: This field is required."),
        (
            {"name": "a.txt", "data": "YQ==", "data_url": "https://files.example.com/a.txt"},
            "multipart_form_data[0].value: give exactly one of data (base64) and data_url.",
        ),
    ],
)
def test_a_multipart_item_that_is_no_text_or_file_is_refused_by_name(
    api_base_url: str, api_key: Any, sr_integration: Integration, sr: Emulator, value: Any, message: str
) -> None:
    response = requests.post(
        f"{api_base_url}/passthrough/smartrecruiters/default",
        json={"method": "POST", "path": "/candidates", "multipart_form_data": [{"name": "f", "value": value}]},
        headers={"Authorization": f"Bearer {api_key.raw_key}", "X-Integration-Id": sr_integration.id},
        timeout=10,
    )

    assert response.status_code == 400
    assert (response.json()["error"]["code"], response.json()["error"]["message"]) == (
        "PLATFORM.INPUT_INVALID",
        message,
    )
    assert sr.stats()["totalRequests"] == 0
