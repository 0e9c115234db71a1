"""Cursor pagination (`limit`, `after_id`/`before_id` = base64 of the id), legacy `page`, Rails-style array filters."""

from __future__ import annotations

from apps.connectors.factorial.emulator import encode_cursor
from tests.connectors.factorial.conftest import FA


def _ids(response) -> list[int]:  # noqa: ANN001 - a requests.Response
    return [item["id"] for item in response.json()["data"]]


def test_cursor_walk_through_candidates(fa: FA) -> None:
    first = fa.get("/ats/candidates", params={"limit": 5})
    second = fa.get("/ats/candidates", params={"limit": 5, "after_id": first.json()["meta"]["end_cursor"]})
    third = fa.get("/ats/candidates", params={"limit": 5, "after_id": second.json()["meta"]["end_cursor"]})

    assert _ids(first) == [1, 2, 3, 4, 5]
    assert first.json()["meta"] == {
        "has_next_page": True,
        "has_previous_page": False,
        "start_cursor": "MQ==",
        "end_cursor": "NQ==",
        "total": 12,
        "limit": 5,
    }
    assert _ids(second) == [6, 7, 8, 9, 10]
    assert second.json()["meta"] == {
        "has_next_page": True,
        "has_previous_page": True,
        "start_cursor": "Ng==",
        "end_cursor": "MTA=",
        "total": 12,
        "limit": 5,
    }
    assert _ids(third) == [11, 12]
    assert (third.json()["meta"]["has_next_page"], third.json()["meta"]["has_previous_page"]) == (False, True)


def test_cursor_is_the_base64_of_the_id() -> None:
    assert [encode_cursor(16), encode_cursor(17), encode_cursor(27)] == ["MTY=", "MTc=", "Mjc="]  # the guide's example


def test_before_id_pages_backwards(fa: FA) -> None:
    page = fa.get("/ats/candidates", params={"limit": 3, "before_id": encode_cursor(11)})

    assert _ids(page) == [8, 9, 10]
    assert (page.json()["meta"]["has_previous_page"], page.json()["meta"]["has_next_page"]) == (True, True)


def test_a_record_created_while_paging_shows_up_on_the_last_page(fa: FA) -> None:
    first = fa.get("/ats/candidates", params={"limit": 10})
    created = fa.post("/ats/candidates", json={"first_name": "New", "last_name": "Person", "company_id": 1}).json()
    rest = fa.get("/ats/candidates", params={"limit": 10, "after_id": first.json()["meta"]["end_cursor"]})

    assert _ids(rest) == [11, 12, created["id"]]
    assert created["id"] == 13
    assert rest.json()["meta"]["total"] == 13


def test_default_and_maximum_page_size_is_100(fa: FA) -> None:
    fa.control("POST", "/seed", json={"candidates": 150, "applications": 0})

    default = fa.get("/ats/candidates")
    too_big = fa.get("/ats/candidates", params={"limit": 500})

    assert (len(default.json()["data"]), default.json()["meta"]["limit"]) == (100, 100)
    assert (len(too_big.json()["data"]), too_big.json()["meta"]["limit"], too_big.json()["meta"]["total"]) == (
        100,
        100,
        150,
    )
    assert fa.all("/ats/candidates") == fa.all("/ats/candidates", limit=7)


def test_bad_limit_and_cursor_are_400(fa: FA) -> None:
    zero = fa.get("/ats/candidates", params={"limit": 0})
    cursor = fa.get("/ats/candidates", params={"after_id": "@@not-a-cursor"})

    assert (zero.status_code, zero.json()) == (
        400,
        {
            "error": "bad_request",
            "error_description": "limit: must be a positive integer",
            "errors": {"limit": ["must be a positive integer"]},
        },
    )
    assert (cursor.status_code, cursor.json()["error_description"]) == (
        400,
        "after_id: must be a cursor (start_cursor / end_cursor of a page)",
    )


def test_a_plain_numeric_after_id_works_too(fa: FA) -> None:
    assert _ids(fa.get("/ats/candidates", params={"after_id": "10"})) == [11, 12]


def test_legacy_offset_pagination_with_page(fa: FA) -> None:
    page = fa.get("/ats/candidates", params={"limit": 5, "page": 2})

    assert _ids(page) == [6, 7, 8, 9, 10]
    assert page.json()["meta"] == {"has_next_page": True, "has_previous_page": True, "total": 12, "limit": 5}


def test_rails_array_filters_take_integer_and_string_ids(fa: FA) -> None:
    brackets = fa.get("/ats/candidates?ids[]=3&ids[]=1")
    plain = fa.get("/ats/candidates?ids=2")
    bad = fa.get("/ats/candidates?ids[]=abc")

    assert _ids(brackets) == [1, 3]
    assert _ids(plain) == [2]
    assert (bad.status_code, bad.json()["error_description"]) == (400, "ids: must be ids")
