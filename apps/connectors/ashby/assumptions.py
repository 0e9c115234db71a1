"""Where Ashby's public material says NOT FOUND, what this connector and its emulator assume.

Each sentence matches an "assumed" / NOT FOUND comment at its place in the code; the connector page lists them.
"""

from __future__ import annotations

ASSUMPTIONS: tuple[str, ...] = (
    "Ashby documents no general rate limit per API key; we book 10 requests per second and the emulator allows "
    "15 per second, 5 at once.",
    "A `syncToken` expires after 7 days (its lifetime is not documented); an expired token falls back to a full read.",
    "Incremental results do not report deletions.",
    "A wrong or deactivated API key answers 403 with the code `invalid_api_key`.",
    "An unknown `sourceId` is refused with `invalid_input`.",
    "An application to a job that is not Open is refused with `job_not_open`, a second application of one "
    "candidate to one job with `application_already_exists`.",
    "`applicationForm.submit` with a known e-mail address joins the existing candidate.",
    "A candidate's single `name` is split at the first space into first and last name.",
    "Sources are matched by their exact title.",
    "`apiKey.info` reports the key's default source as `defaultSource` (or null); the flow's source step shows it "
    "and says that Tributary does not rely on it. Without the API Keys → Read permission it is not checked.",
    "`offer.list`, `interviewSchedule.list` and `candidate.listNotes` page and take `syncToken` like the other lists.",
    "A new note moves its candidate's `updatedAt`: a delta reads notes only for the candidates that changed since "
    "the last sync (a few calls per change, not one per candidate); a FULL sync reads every candidate's notes, so a "
    "note that did not move `updatedAt` appears by the next FULL sync at the latest.",
    "Custom fields: `customField.list` answers `{id, title, objectType, fieldType, isPrivate, isArchived, "
    "selectableValues: [{label, value, isArchived}]}`; `customField.setValue {objectType, objectId, fieldId, "
    "fieldValue}` sets one value (again: nothing changes; null clears) and answers the record's entry `{id, title, "
    "value, isPrivate}`; records read `customFields: [{id, title, value, isPrivate}]`. Values by type: Boolean "
    "true/false, Number a number, Date YYYY-MM-DD, String/LongText/Email/Phone a non-empty string, ValueSelect one "
    "selectable `value`, MultiValueSelect a list of them; an unknown field is `custom_field_not_found`, a value "
    "that does not fit `invalid_input`.",
    "Webhooks: `webhook.info` needs API Keys → Read, `webhook.update` and `webhook.delete` API Keys → Write (only "
    "`webhook.create`'s permission is documented); the sender's User-Agent is not documented.",
)
