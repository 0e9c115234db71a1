"""Where Greenhouse's public material says NOT FOUND, what this connector and its emulator assume.

Each sentence matches an "assumed" / NOT FOUND comment at its place in the code; the connector page lists them.
"""

from __future__ import annotations

ASSUMPTIONS: tuple[str, ...] = (
    "Harvest v3 error bodies are not documented; the emulator answers the v1 shape "
    '`{"message", "errors": [{"message", "field"}]}` with 422 for validation errors.',
    "The v3 rate limit per 30-second window is unpublished; the emulator allows 75 requests per window (the figure "
    "a peer survey cites) and the connector books 2.2 requests per second.",
    "A request that mixes `cursor` with another query parameter is refused with 422 (the status is not documented).",
    "An unknown query parameter on a v3 list is refused with 422 rather than ignored.",
    "The body of `POST /v3/candidates` is not documented; the connector sends the v3 candidate's writable fields "
    "(names, company, title, email_addresses, phone_numbers, website_addresses).",
    "Applying to a closed job, or twice to one job, is refused with 422 (wording not documented).",
    "The token endpoint answers RFC 6749 JSON. For Greenhouse's own API host tokens come from auth.greenhouse.io; "
    "any other base URL (the emulator) serves `/token` and `/authorize` itself.",
    "Without `sub` a client-credentials token acts as a service account with Site Admin list access.",
    "Filters `candidate_ids` / `application_ids` on notes, attachments and applied candidate tags are assumed "
    "(their v3 pages were not readable).",
    "Filters `application_ids` on offers, interviews, scorecards and application stages, `interview_ids` on "
    "interviewers and `job_ids` on job interviews are assumed (only their record schemas were readable).",
    "A scorecard's `candidate_rating` takes v1's `overall_recommendation` values (definitely_not, no, yes, "
    "strong_yes, no_decision); it is read as the single-select response *Overall recommendation*.",
    "A cancelled interview is deleted rather than given a status (v3 lists no cancelled status; webhooks report "
    "`interview_deleted`), so every listed interview reads as not cancelled.",
    "A created offer with `sent_on` reads as SENT, without as DRAFT (v3 offer statuses: Created, Accepted, "
    "Rejected, Deprecated).",
    "Result links are written as notes (Greenhouse has no link object), with a warning.",
    "A deleted candidate or application leaves no trace a v3 list reports (deletions come by webhook only).",
    "Web hooks: v3 has no documented webhook paths, so the emulator's `/_emulator/web_hooks` stands in for "
    'Configure → Dev Center → Web Hooks; the ping\'s body is `{"action": "ping", "payload": {"web_hook_id"}}`.',
    "Web hooks: candidate-only events (`update_candidate`, also sent for a new candidate, a tag or a file) carry "
    "`payload.candidate` with its applications; delete events name the record by id only; job events carry "
    "`payload.job` (only application events' payloads are in the reference).",
    "Web hooks: Greenhouse signs no timestamp, so a delivery's age cannot be checked; replays are recognised by "
    "their `Greenhouse-Event-ID`, and the delivery timeout is taken as 30 seconds.",
    "Notes have no web hook event: a note written in Greenhouse reaches Tributary by polling.",
    "Custom fields: v3 lists their definitions at `GET /v3/custom_fields` (filter `field_type`) and their options "
    "at `GET /v3/custom_field_options` (filter `custom_field_ids`), as third-party v3 connectors read them; "
    "`POST /v3/candidates` and `POST /v3/applications` take v1's elements `custom_fields: [{id | name_key, value}]` "
    "(a select by option id); a record's `custom_fields` reads v1's keyed shape `{name_key: {name, type, value}}` "
    "(a select by option label) for the fields that hold a value; an element that does not fit its field is a 422 "
    "naming `custom_fields[i]` and nothing of that request is created.",
    "Scorecard questions' `answer_type` values are assumed `text`, `yes_no` (read from `boolean_value`), "
    "`single_select` and `multi_select` (the spec types it as a string); the filters `scorecard_ids`, "
    "`scorecard_question_ids` and `scorecard_question_answer_ids` on the scorecard question lists are assumed.",
)
