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
