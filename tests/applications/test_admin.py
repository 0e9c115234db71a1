from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from apps.integrations.models import Integration
from tests.factories import applications as f

MODELS = [
    "application",
    "candidate",
    "job",
    "applicationstage",
    "attachment",
    "atsuser",
    "interview",
    "note",
    "offer",
    "rejectionreason",
    "role",
    "scorecard",
    "tag",
]


@pytest.fixture
def staff(client: Client, db: None) -> Client:
    User.objects.create_superuser("staff", "staff@example.com", "pw-for-tests")
    client.login(username="staff", password="pw-for-tests")
    return client


@pytest.mark.parametrize("model", MODELS)
def test_changelists_open_and_search_by_remote_id(staff: Client, integration: Integration, model: str) -> None:
    f.ScorecardFactory(integration=integration)

    listing = staff.get(f"/admin/applications/{model}/")
    found = staff.get(f"/admin/applications/{model}/", {"q": "no-such-remote-id"})

    assert listing.status_code == 200
    assert found.status_code == 200
    assert found.context["cl"].result_count == 0


def test_detail_is_read_only(staff: Client, integration: Integration) -> None:
    application = f.ApplicationFactory(integration=integration, remote_id="app-42")

    search = staff.get("/admin/applications/application/", {"q": "app-42"})
    detail = staff.get(f"/admin/applications/application/{application.pk}/change/")
    post = staff.post(f"/admin/applications/application/{application.pk}/change/", {"remote_id": "changed"})

    assert [row.pk for row in search.context["cl"].result_list] == [application.pk]
    assert detail.status_code == 200
    assert b"app-42" in detail.content
    assert post.status_code == 403
    application.refresh_from_db()
    assert application.remote_id == "app-42"


def test_idempotency_keys_are_listed_read_only(
    staff: Client, integration: Integration, django_assert_num_queries: object
) -> None:
    from apps.applications.models import IdempotencyKey

    for number in range(3):
        IdempotencyKey.objects.create(
            integration=integration,
            key=f"key-{number}",
            fingerprint="f" * 64,
            claim_token="secret-claim",
            status="UNCERTAIN",
        )
    row = IdempotencyKey.objects.get(key="key-1")

    with django_assert_num_queries(5):  # session, user, count, rows with their integration, filter's tools
        listing = staff.get("/admin/applications/idempotencykey/", {"status__exact": "UNCERTAIN"})
    detail = staff.get(f"/admin/applications/idempotencykey/{row.pk}/change/")

    assert listing.context["cl"].result_count == 3
    assert staff.get("/admin/applications/idempotencykey/", {"q": "key-1"}).context["cl"].result_count == 1
    assert b"UNCERTAIN" in detail.content
    assert b"secret-claim" not in detail.content
    assert staff.post(f"/admin/applications/idempotencykey/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert IdempotencyKey.objects.count() == 3
