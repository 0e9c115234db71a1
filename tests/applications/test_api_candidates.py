"""GET /v1/ats/candidates through the official SDK against a live server."""

from __future__ import annotations

from datetime import UTC, datetime

from kombo import Kombo

from apps.integrations.models import Integration
from tests.applications.support import collect, ids
from tests.factories import applications as f

LATER = datetime(2024, 6, 1, tzinfo=UTC)
AFTER = datetime(2024, 5, 15, tzinfo=UTC)


def test_candidate_filters(kombo: Kombo, integration: Integration) -> None:
    first_job, second_job = f.JobFactory.create_batch(2, integration=integration)
    ada = f.CandidateFactory(
        integration=integration,
        first_name="Ada",
        last_name="Lovelace",
        email_addresses=[
            {"email_address": "ada@work.example.com", "type": "WORK"},
            {"email_address": "Ada.Lovelace@Example.com", "type": "PERSONAL"},
        ],
    )
    grace = f.CandidateFactory(
        integration=integration,
        first_name="Grace",
        last_name="Hopper",
        email_addresses=[{"email_address": "grace@example.com", "type": None}],
    )
    alan = f.CandidateFactory(integration=integration, first_name="Alan", last_name="Lovelace", email_addresses=[])
    f.ApplicationFactory(integration=integration, candidate=ada, job=first_job)
    f.ApplicationFactory(integration=integration, candidate=grace, job=second_job)
    f.ApplicationFactory(integration=integration, candidate=alan, job=first_job, remote_deleted_at=LATER)
    get = kombo.ats.get_candidates

    assert collect(get, email="ada.lovelace@example.COM") == ids(ada)
    assert collect(get, email="ada@work.example.com") == ids(ada)
    assert collect(get, email="lovelace@example.com") == []  # exact address, not a substring
    assert collect(get, first_name="ada") == ids(ada)
    assert collect(get, last_name="LOVELACE") == ids(ada, alan)
    assert collect(get, last_name="lovelace", first_name="alan") == ids(alan)
    assert collect(get, job_ids=[first_job.id]) == ids(ada)  # Alan's application there was deleted
    assert collect(get, job_ids=[first_job.id, second_job.id]) == ids(ada, grace)
    assert collect(get, page_size=2) == ids(ada, grace, alan)
    assert collect(get, remote_ids=[grace.remote_id, alan.remote_id], last_name="hopper") == ids(grace)


def test_candidate_nested_applications_and_tags(kombo: Kombo, integration: Integration) -> None:
    candidate = f.CandidateFactory(
        integration=integration,
        phone_numbers=[{"phone_number": "+49 30 1234567", "type": "MOBILE"}],
        social_media=[{"link": "https://github.com/ada", "type": "GITHUB", "username": "ada"}],
        location={"city": "London", "country": "GB"},
    )
    application = f.ApplicationFactory(integration=integration, candidate=candidate)
    f.ApplicationFactory(integration=integration, candidate=candidate, remote_deleted_at=LATER)
    tag = f.TagFactory(integration=integration, name="Referral")
    f.CandidateTagFactory(integration=integration, candidate=candidate, tag=tag)
    f.CandidateTagFactory(integration=integration, candidate=candidate, remote_deleted_at=LATER)

    (result,) = kombo.ats.get_candidates().result.data.results

    (listed,) = result.applications
    assert listed.id == application.id
    assert listed.job.id == application.job.id
    assert (listed.current_stage.id, listed.current_stage.index) == (application.current_stage.id, 0)
    assert [(t.id, t.name) for t in result.tags] == [(tag.id, "Referral")]
    assert [(p.phone_number, p.type) for p in result.phone_numbers] == [("+49 30 1234567", "MOBILE")]
    assert [(s.link, s.username) for s in result.social_media] == [("https://github.com/ada", "ada")]
    assert (result.location.city, result.location.country) == ("London", "GB")


def test_updated_after_follows_applications_and_tags(kombo: Kombo, integration: Integration) -> None:
    changed_itself = f.CandidateFactory(integration=integration, changed_at=LATER)
    application_changed = f.CandidateFactory(integration=integration)
    f.ApplicationFactory(integration=integration, candidate=application_changed, changed_at=LATER)
    tag_removed = f.CandidateFactory(integration=integration)
    f.CandidateTagFactory(integration=integration, candidate=tag_removed, changed_at=LATER, remote_deleted_at=LATER)
    tag_renamed = f.CandidateFactory(integration=integration)  # the tag record changed: not the candidate's list
    f.CandidateTagFactory(
        integration=integration, candidate=tag_renamed, tag=f.TagFactory(integration=integration, changed_at=LATER)
    )
    untouched = f.CandidateFactory(integration=integration)
    f.ApplicationFactory(integration=integration, candidate=untouched)

    found = collect(kombo.ats.get_candidates, updated_after=AFTER, page_size=1)

    assert found == ids(changed_itself, application_changed, tag_removed)
