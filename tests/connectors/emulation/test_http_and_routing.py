from __future__ import annotations

import io
import json

import pytest

from apps.connectors.emulation.http import (
    BadRequest,
    MethodNotAllowed,
    NotFound,
    Request,
    Response,
    parse_multipart,
)
from apps.connectors.emulation.routing import Router


def _environ(method: str = "GET", path: str = "/", query: str = "", body: bytes = b"", **headers: str) -> dict:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "HTTP_HOST": "127.0.0.1:9999",
    }
    for name, value in headers.items():
        key = name.upper()
        environ[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
    return environ


def test_query_keeps_repeated_and_bracketed_values() -> None:
    request = Request.from_environ(_environ(query="status=NEW&status=HIRED&tag[]=a&tag[]=b&q=&limit=5"))

    assert request.args("status") == ["NEW", "HIRED"]
    assert request.args("tag") == ["a", "b"]
    assert request.arg("q") == ""
    assert request.int_arg("limit", 10, minimum=1, maximum=100) == 5
    assert request.arg("missing", "fallback") == "fallback"
    assert request.base_url == "http://127.0.0.1:9999"


@pytest.mark.parametrize(
    ("_case", "raw", "message"),
    [("not a number", "ten", "limit: must be an integer"), ("too big", "101", "limit: must be between 1 and 100")],
)
def test_int_arg_rejects_bad_values(_case: str, raw: str, message: str) -> None:
    request = Request.from_environ(_environ(query=f"limit={raw}"))

    with pytest.raises(BadRequest) as caught:
        request.int_arg("limit", 10, minimum=1, maximum=100)

    assert caught.value.status == 400
    assert caught.value.message == message


def test_json_body_and_malformed_json() -> None:
    good = Request.from_environ(_environ("POST", body=b'{"a": [1, 2]}', content_type="application/json"))
    bad = Request.from_environ(_environ("POST", body=b"{nope", content_type="application/json"))
    array = Request.from_environ(_environ("POST", body=b"[1]", content_type="application/json"))

    assert good.json_object() == {"a": [1, 2]}
    with pytest.raises(BadRequest) as caught:
        _ = bad.json
    assert caught.value.message == "Malformed JSON body"
    with pytest.raises(BadRequest) as caught:
        array.json_object()
    assert caught.value.message == "Request body must be a JSON object"


def test_form_urlencoded_body() -> None:
    body = b"grant_type=client_credentials&scope=a+b&scope=c"
    request = Request.from_environ(_environ("POST", body=body, content_type="application/x-www-form-urlencoded"))

    assert request.form == {"grant_type": ["client_credentials"], "scope": ["a b", "c"]}
    assert request.form_value("grant_type") == "client_credentials"
    assert request.files == {}


def test_multipart_keeps_binary_file_bytes_and_text_fields() -> None:
    payload = b"%PDF\r\n--not-the-boundary\r\n\x00\xff binary"
    body = (
        b"--XyZ\r\n"
        b'Content-Disposition: form-data; name="attachmentType"\r\n\r\n'
        b"RESUME\r\n"
        b"--XyZ\r\n"
        b'Content-Disposition: form-data; name="file"; filename="cv \xc3\xa9.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + payload + b"\r\n--XyZ--\r\n"
    )
    request = Request.from_environ(_environ("POST", body=body, content_type="multipart/form-data; boundary=XyZ"))

    assert request.form == {"attachmentType": ["RESUME"]}
    upload = request.file("file")
    assert upload is not None
    assert (upload.field_name, upload.filename, upload.content_type) == ("file", "cv é.pdf", "application/pdf")
    assert upload.content == payload


def test_multipart_without_closing_delimiter_is_a_400() -> None:
    with pytest.raises(BadRequest) as caught:
        parse_multipart(b'--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue', b"XyZ")

    assert caught.value.message == "Malformed multipart body"


def test_multipart_part_without_name_is_a_400() -> None:
    with pytest.raises(BadRequest) as caught:
        parse_multipart(b"--XyZ\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n--XyZ--\r\n", b"XyZ")

    assert caught.value.message == "Multipart part without a field name"


def test_response_helpers() -> None:
    response = Response.json({"a": "é"}, 201, headers={"X-Test": "1"})

    assert response.status_line == "201 Created"
    assert response.header("content-type") == "application/json;charset=UTF-8"
    assert response.header("X-Test") == "1"
    assert json.loads(response.body) == {"a": "é"}
    response.set_header("x-test", "2")
    assert [value for name, value in response.headers if name.lower() == "x-test"] == ["2"]
    assert Response(status=599).status_line == "599 Unknown"


def _handler(name: str):  # noqa: ANN202 - tiny test helper
    return lambda request: Response.text(name)


def test_router_prefers_literal_segments_whatever_the_order() -> None:
    router = Router()
    router.add("GET", "/users/{id}", _handler("by-id"))
    router.add("GET", "/users/me", _handler("me"))
    router.add("GET", "/candidates/{id}/jobs/{job_id}", _handler("application"))
    router.add("GET", "/candidates/attachments/{attachment_id}", _handler("attachment"))

    me, params = router.match("GET", "/users/me")
    other, other_params = router.match("GET", "/users/abc")
    attachment, attachment_params = router.match("GET", "/candidates/attachments/a1")
    application, application_params = router.match("get", "/candidates/c%201/jobs/j1/")

    assert (me.template, params) == ("/users/me", {})
    assert (other.template, other_params) == ("/users/{id}", {"id": "abc"})
    assert (attachment.template, attachment_params) == (
        "/candidates/attachments/{attachment_id}",
        {"attachment_id": "a1"},
    )
    assert application_params == {"id": "c 1", "job_id": "j1"}


def test_router_404_and_405_with_allow() -> None:
    router = Router()
    router.add("GET", "/jobs", _handler("list"))
    router.add("POST", "/jobs", _handler("create"))

    with pytest.raises(MethodNotAllowed) as not_allowed:
        router.match("DELETE", "/jobs")
    with pytest.raises(NotFound):
        router.match("GET", "/nothing")

    assert not_allowed.value.status == 405
    assert not_allowed.value.headers == {"Allow": "GET, POST"}


def test_router_refuses_duplicates() -> None:
    router = Router()
    router.add("GET", "/jobs/{id}", _handler("a"))

    with pytest.raises(ValueError, match="duplicate route GET /jobs/{job_id}"):
        router.add("GET", "/jobs/{job_id}", _handler("b"))
