"""Where Teamtailor's public material says NOT FOUND, what this connector and its emulator assume.

Each sentence matches an "assumed" / NOT FOUND comment at its place in the code; the connector page lists them.
"""

from __future__ import annotations

ASSUMPTIONS: tuple[str, ...] = (
    "Rate limits are not documented (the X-Rate-Limit-* headers carry static values): the emulator allows 50 "
    "requests per 10 seconds per API key and answers 429 with a JSON:API error and Retry-After; the connector "
    "books 4.5 requests per second.",
    "Error bodies follow the JSON:API `errors[]` shape `{status, title, detail, source}`; only `detail` is "
    "documented as read by the official client.",
    "Only the API versions 20161108, 20240404 and 20240904 are served; a missing or unknown X-Api-Version is "
    "answered 406.",
    "An API key belongs to one region's stack (EU or NA): used on the other host it is unknown (401).",
    "A page size above 30 is refused with 400, and so is an unknown `include`.",
    "Request bodies must use the JSON:API media type `application/vnd.api+json` (415 otherwise).",
    "For a host Teamtailor does not know, `referring-site` is the host name without `www.`; the connector writes "
    "the source as a `referring-url` whose host is the source name made into a host name, with the exact name in "
    "a `tributary_source` query parameter that is read back.",
    "New job applications made through the API start in the job's Inbox stage; archived and draft jobs take no "
    "applications.",
    "Job offers (`/v1/job-offers`) have the `status` draft, sent or answered and, once answered, the `response` "
    "accepted or declined; they are made in Teamtailor's interface and read-only through the API.",
    "Screening answers (which hang off the candidate) are read with each job application through the nested "
    "`include=candidate.answers.question,job.questions`, at no extra call; answers are given with the application "
    "and not changed later, so a delta reads them with the applications that changed (an answer changed without "
    "any change to its application appears with the application's next change or the next FULL sync).",
    "Company webhooks: a delivery whose signed time is more than 5 minutes from Tributary's clock is refused as "
    "stale (Teamtailor documents no tolerance); the signature itself is the delivery's id (Teamtailor sends none). "
    "The emulator's job-application payloads give the rejection time as `transparent_recruiting_visible_at`, and "
    "its sender's User-Agent is its own: neither is documented.",
)

# What the connector page explains beyond the coverage tables (documented behaviour, reference Part B).
PAGE_NOTES: tuple[str, ...] = (
    "**How the source appears in Teamtailor.** Teamtailor has no list of sources: it shows the *referring site* it "
    "derives from the `referring-url` of the candidate and of the job application. Tributary writes the configured "
    "source name as `https://<name as a host>/?tributary_source=<exact name>` on every new candidate and job "
    "application, so the source *Acme Jobs* shows in Teamtailor as the referring site **acme-jobs** (a name that is "
    "already a host name, such as `jobs.acme.com`, shows as itself), and Tributary reads the exact name back from "
    "the URL after each create. An existing candidate's `referring-url` is never changed.",
    "**Files.** Teamtailor's public API takes files only as a public URL it downloads itself (`POST /v1/uploads` "
    "with `url`, and the candidate's `resume` URL); Tributary receives files as content, so CVs and attachments "
    "are not written and each create or attachment request says so in `warnings`. Uploads are read as attachments "
    "(name, candidate, upload time); their signed URLs are valid for one minute and are not stored as links.",
    "**Regions.** EU accounts use `https://api.teamtailor.com/v1`, North American accounts "
    "`https://api.na.teamtailor.com/v1`; the end user picks the region in the connection flow (an API key works "
    "only in its own region).",
    "**Notes** live on the candidate in Teamtailor, not on one job application; a rejection's note is written as a "
    "candidate note.",
    "**Webhooks.** Teamtailor's company webhooks are added by hand: in Teamtailor open **Settings → Integrations "
    "→ Webhooks**, choose **Add webhook**, paste the URL Tributary shows, select the events `candidate.*`, `job.*` "
    "and `job_application.*`, choose signature version **v2**, and give Tributary the signature key Teamtailor "
    "generates. Tributary checks every delivery's `TT-Signature` (v1 signatures are refused: they carry no time). "
    "Teamtailor does not retry a failed delivery; the regular delta sync picks up whatever a lost webhook missed.",
    "**Result links** are written as a note on the candidate (`<label>: <url>`), with a warning: Teamtailor's own "
    "result links are the Partner API's `partner-results`, which need a partner's credentials (set up with "
    "Teamtailor's partnerships team), not the customer's API key this connection uses.",
    "**Future work:** the job-board partner **Direct Apply** API (`JobBoardId` / `ReferenceNumber` headers and a "
    "signed body, set up with Teamtailor's partnerships team) needs job-board partner credentials and is not an "
    "auth mode of this connector; the Partner API's first-class result links likewise.",
)
