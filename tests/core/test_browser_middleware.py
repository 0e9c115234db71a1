from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from apps.integrations.models import ApiKey

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de"}


def _wrong_method(client: Client, api_key: ApiKey) -> dict[str, object]:
    response = client.delete("/v1/check-api-key", HTTP_AUTHORIZATION=f"Bearer {api_key.raw_key}", **GERMAN)
    assert response.status_code == 405
    return {
        "message": response.json()["error"]["message"],
        "content_language": response["Content-Language"],
        "vary": response.get("Vary", ""),
        "cookies": list(response.cookies),
    }


def test_the_api_answers_in_english_whatever_the_browser_asks_for(client: Client, api_key: ApiKey) -> None:
    # when a German-speaking client calls the API with a method the route does not take
    answered = _wrong_method(client, api_key)

    # then the message is English, the response says so and does not vary by language, and no cookie is set
    assert answered == {"message": 'Method "DELETE" not allowed.', "content_language": "en", "vary": "", "cookies": []}


def test_a_german_page_before_does_not_make_the_next_api_answer_german(client: Client, api_key: ApiKey) -> None:
    # given the same thread just served the admin's login page in German
    page = client.get("/admin/login/", **GERMAN)
    assert page["Content-Language"] == "de"
    assert "Anmelden" in page.content.decode()

    # when the API answers next, then it answers in English
    assert _wrong_method(client, api_key)["message"] == 'Method "DELETE" not allowed.'


@pytest.mark.django_db
def test_the_admin_keeps_sessions_and_csrf() -> None:
    User.objects.create_superuser("su", "su@example.com", "pw-for-tests")
    browser = Client(enforce_csrf_checks=True)

    # a login form posted without its CSRF token is refused
    refused = browser.post("/admin/login/", {"username": "su", "password": "pw-for-tests"})
    assert refused.status_code == 403

    # with the token from the login page it signs in and keeps the session
    page = browser.get("/admin/login/")
    token = page.cookies["csrftoken"].value
    signed_in = browser.post(
        "/admin/login/?next=/admin/", {"username": "su", "password": "pw-for-tests", "csrfmiddlewaretoken": token}
    )
    assert (signed_in.status_code, signed_in["Location"]) == (302, "/admin/")
    assert "sessionid" in signed_in.cookies
    assert browser.get("/admin/").context["user"].username == "su"
