"""Where SmartRecruiters' public material says NOT FOUND, what this connector and its emulator assume.

Each sentence matches an "assumed" / NOT FOUND comment at its place in the code; the connector page lists them.
"""

from __future__ import annotations

ASSUMPTIONS: tuple[str, ...] = (
    "The OAuth token answer is RFC 6749 JSON (`access_token`, `expires_in`, `refresh_token`); SmartRecruiters' "
    "exact token JSON is not documented.",
    "The ids of the default source library (types, sub-types, sources) are our own slugs, seeded and configurable; "
    "only their labels are documented.",
    "A job's hiring process is not linked from `JobDetails`, so every job is given the company's hiring process "
    "stages.",
    "Which application statuses `PUT .../status` refuses is not documented; the emulator refuses moves out of a "
    "final status.",
    "Message visibility values are not documented; the emulator mirrors `shareWith`, and notes carry no privacy flag.",
    "The recruiter UI's job and profile page URLs follow the app's routes; their pattern is not in the API docs.",
    "Of several applications, the most recent is the candidate's primary one.",
    "The body of a 403 for a missing OAuth scope is not documented; the emulator answers the usual error list.",
    "Custom field configuration items carry `type` and `required` beside the documented `{id, label}`.",
    "Offers have no candidate or job fields; they are read from the offer's links.",
    "A job ad's create answers 201, like every other create.",
    "`PUT /candidates/{id}/jobs/{jobId}/properties` takes a JSON array `[{id, value}]`, sets only those properties "
    "(so repeating it changes nothing) and answers 204; an unknown property id or a value of the wrong kind is a "
    "400 naming the item, and nothing of that body is stored.",
    "Candidate property value kinds: TEXT and SINGLE_SELECT a string, NUMBER and CURRENCY a number, BOOLEAN "
    "true/false, DATE `YYYY-MM-DD`.",
    "`GET /candidates/{id}/jobs/{jobId}/properties` answers `{totalFound, content: [{id, label, type, value}]}` "
    "with the properties that hold a value.",
    "Webhook subscriptions use event version `v201910` (the reference shows both `v201910` and `1.0.0`).",
    "A signed webhook delivery older than 5 minutes is refused (SmartRecruiters documents no tolerance); the "
    "emulator signs every attempt afresh with `smartrecruiters-timestamp` in epoch seconds.",
    "`GET /subscriptions` answers the usual list envelope (`content`).",
    "A failed activation handshake answers 400 with the usual error list; the subscription stays inactive.",
    "An `application.status.updated` or `application.source.updated` event changes neither the screening answers "
    "(they have their own events) nor the candidate property values (their `PUT` sends no event): its targeted read "
    "keeps the stored ones, and the scheduled delta reads them.",
)
