"""Attachments by `data_url`: downloaded at once, size-capped, and never from a non-public address (SSRF)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from kombo import Kombo
from rest_framework.test import APIClient

from apps.applications.models import Job
from apps.integrations.models import ApiKey, Integration
from tests.applications.writing import (
    FileServer,
    candidate,
    file_server,
    question,
    required_answers,
    sandbox,
    stored_job,
)

REFUSED = (
    "attachments[0].data_url: could not download the file: The host {host!r} resolves to a non-public address "
    "({ip}); not fetched."
)


@pytest.fixture
def job(integration: Integration) -> Job:
    return stored_job(integration)


@pytest.fixture
def files() -> Iterator[FileServer]:
    with file_server() as server:
        server.files["/cv.pdf"] = ("application/pdf; charset=binary", b"%PDF from a URL")
        server.files["/big.bin"] = ("application/octet-stream", b"x" * 11)
        yield server


@pytest.fixture
def loopback_allowed(settings: Any) -> None:
    settings.WRITE_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture
def post(api_key: ApiKey, integration: Integration, job: Job) -> Callable[[list[dict[str, Any]]], Any]:
    client = APIClient()
    answers = required_answers(job)

    def send(attachments: list[dict[str, Any]]) -> Any:
        body = {
            "candidate": candidate(),
            "screening_question_answers": answers,
            "attachments": attachments,
        }
        return client.post(
            f"/v1/ats/jobs/{job.id}/applications", body, format="json",
            HTTP_AUTHORIZATION=f"Bearer {api_key.raw_key}", HTTP_X_INTEGRATION_ID=integration.id,
        )  # fmt: skip

    return send


def test_a_data_url_is_downloaded_and_written(
    kombo: Kombo, integration: Integration, job: Job, files: FileServer, loopback_allowed: None
) -> None:
    cv = question(job, 8)

    created = kombo.ats.create_application(
        job_id=job.id,
        candidate=candidate(),
        attachments=[{"name": "cv.pdf", "type": "CV", "data_url": files.url("/redirect?to=/cv.pdf")}],
        screening_question_answers=[
            *required_answers(job),
            {"question_id": cv.id, "answer": {"name": "answer.pdf", "data_url": files.url("/cv.pdf")}},
        ],
    ).data

    store = sandbox(integration)
    [attachment] = store.attachments(application_id=created.remote_id)
    assert (attachment["file_name"], attachment["content_type"], store.blob(attachment["id"])) == (
        "cv.pdf", "application/pdf", b"%PDF from a URL",
    )  # fmt: skip
    answer = store.get("applications", created.remote_id)["answers"][-1]  # type: ignore[index]
    assert answer["value"] == {"name": "answer.pdf", "content_type": "application/pdf", "size": 15}
    assert files.requests == ["/cv.pdf", "/redirect?to=/cv.pdf", "/cv.pdf"]  # the answer's file, then the attachment


def test_loopback_is_refused_unless_a_setting_allows_it(post: Callable[..., Any], files: FileServer) -> None:
    response = post([{"name": "cv.pdf", "type": "CV", "data_url": files.url("/cv.pdf")}])

    assert (response.status_code, response.json()["error"]["code"]) == (400, "PLATFORM.INPUT_INVALID")
    assert response.json()["error"]["message"] == REFUSED.format(host="127.0.0.1", ip="127.0.0.1")
    assert files.requests == []  # refused before connecting


def test_a_redirect_to_another_private_address_is_refused(
    post: Callable[..., Any], files: FileServer, loopback_allowed: None
) -> None:
    target = files.url("/cv.pdf").replace("127.0.0.1", "127.0.0.2")

    response = post([{"name": "cv.pdf", "type": "CV", "data_url": files.url(f"/redirect?to={target}")}])

    assert response.json()["error"]["message"] == REFUSED.format(host="127.0.0.2", ip="127.0.0.2")
    assert files.requests == [f"/redirect?to={target}"]


@pytest.mark.parametrize(
    ("url", "host", "ip"),
    [
        (
            "http://169.254.169.254/latest/meta-data/",
            "169.254.169.254",
            "169.254.169.254",
        ),  # link-local (cloud metadata)
        ("http://10.1.2.3/cv.pdf", "10.1.2.3", "10.1.2.3"),  # private
        ("https://192.168.0.10/cv.pdf", "192.168.0.10", "192.168.0.10"),  # private
        ("http://[::1]:8000/cv.pdf", "::1", "::1"),  # loopback (IPv6)
        ("http://[::ffff:127.0.0.1]/cv.pdf", "::ffff:127.0.0.1", "::ffff:127.0.0.1"),  # IPv4-mapped loopback
        ("http://0.0.0.0/cv.pdf", "0.0.0.0", "0.0.0.0"),  # noqa: S104 - the address being refused
    ],
)
def test_non_public_addresses_are_refused(post: Callable[..., Any], url: str, host: str, ip: str) -> None:
    response = post([{"name": "cv.pdf", "type": "CV", "data_url": url}])

    assert (response.status_code, response.json()["error"]["code"]) == (400, "PLATFORM.INPUT_INVALID")
    assert response.json()["error"]["message"] == REFUSED.format(host=host, ip=ip)


def test_a_name_is_checked_on_every_address_it_resolves_to(post: Callable[..., Any]) -> None:
    response = post([{"name": "cv.pdf", "type": "CV", "data_url": "http://localhost/cv.pdf"}])

    assert response.json()["error"]["message"].startswith(
        "attachments[0].data_url: could not download the file: The host 'localhost' resolves to a non-public address ("
    )


def test_size_cap_and_missing_files(
    post: Callable[..., Any], files: FileServer, loopback_allowed: None, settings: Any
) -> None:
    settings.WRITE_ATTACHMENT_MAX_BYTES = 10

    too_big = post([{"name": "big.bin", "type": "OTHER", "data_url": files.url("/big.bin")}])
    missing = post([{"name": "gone.pdf", "type": "CV", "data_url": files.url("/gone.pdf")}])
    inline = post([{"name": "big.txt", "type": "OTHER", "content_type": "text/plain", "data": "eHh4eHh4eHh4eHg="}])

    assert too_big.json()["error"]["message"] == (
        "attachments[0].data_url: could not download the file: The file is larger than 10 bytes (11)."
    )
    assert missing.json()["error"]["message"] == (
        "attachments[0].data_url: could not download the file: GET /gone.pdf: not found (404)."
    )
    assert inline.json()["error"]["message"] == "attachments[0]: the file is larger than 10 bytes."
