"""Where Lever's public material says NOT FOUND, what this connector and its emulator assume.

Each sentence matches an "assumed" / NOT FOUND comment at its place in the code; the connector page lists them.
"""

from __future__ import annotations

ASSUMPTIONS: tuple[str, ...] = (
    "Creates with screening answers go through the postings apply API (`POST /postings/:posting/apply`), the only "
    "Lever API that takes answers; creates without answers through `POST /opportunities` (multipart with "
    "`resumeFile` when there is a CV). Both write the configured source as free text and `origin: applied`.",
    "Answers to a question form are matched by position (`fields[i].value` answers the form's i-th field), as "
    "Lever's doc example implies; `university` fields take text.",
    "An apply with an e-mail Lever knows joins that contact with a new opportunity, as `POST /opportunities` "
    "documents; the contact's other opportunities and their sources are left as they are.",
    "Lever's answer to a second application of one contact to one posting is not documented: the connector looks "
    "the contact's opportunities up first and refuses the duplicate itself.",
    "Only `published` and `internal` postings take applications through the connector (the apply API's rule), also "
    "on the opportunity path.",
    "Rate-limit headers and the 429 body are not documented: the emulator sends none and "
    '`{"code": "TooManyRequests", "message": ...}`; the token bucket (10/s, bursts of 20) is emulated as 20 '
    "requests per 2-second window.",
    "A missing permission answers 403 with the `{code, message}` shape; API keys carry the OAuth scope names as "
    "their permissions.",
    "A missing `perform_as` where Lever requires it (create opportunity, file upload) answers 400; the acting user "
    "is `remote_fields.lever.perform_as`, else the account's first active super admin.",
    "Applications land in the stage named “New applicant”, opportunities added without a stage in “New lead”.",
    "The responses of `POST /opportunities` and of the `PUT` actions are `{data: opportunity}` (not documented).",
    "`GET /contacts/:contact` answers `{id, name, headline, location{name}, emails, phones}`; a contact's tags and "
    "source come from its opportunities (a page of candidates shows the tags of the opportunities on that page).",
    "Hired-type archive reasons are not listed as rejection reasons; `pending` postings read as DRAFT and "
    "`rejected` ones as ARCHIVED.",
    "A CV added to an existing opportunity is written as a file: no API adds a resume after the create.",
    "Result links are written with `addLinks`; Lever keeps no label for a link.",
    "An offset that Lever did not return answers 400.",
    "Confidential opportunities and postings are not read: `confidentiality=all` needs the confidential "
    "permission, which Lever grants only when a key is created; asking without it answers 403 in the emulator.",
    "Webhooks: the waits between Lever's five retries are not documented (the emulator waits 30 s, 2 min, 10 min, "
    "30 min and 1 h); a delivery whose `triggeredAt` is more than 3 hours old (longer than those retries) or more "
    "than 5 minutes ahead is refused. The signed `token` is the event id against replays.",
    "Webhooks: the `data` of events other than `candidateStageChange` is not documented: assumed "
    "`{opportunityId, candidateId, contactId}` for opportunity events and `{contactId}` for contact events; an "
    "opportunity without a posting sends no `applicationCreated`.",
    "Webhooks: each webhook Lever creates has its own signature token (kept per event); one Lever already has for "
    "our URL is replaced, since `GET /webhooks` does not show its token. API-created webhooks send at once (the "
    "Super Admin toggle of the event group is not emulated); tag, source and note changes send no webhook and "
    "are caught by the scheduled delta.",
)
