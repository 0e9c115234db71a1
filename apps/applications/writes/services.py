"""The ATS write actions (contract §5): validate, resolve our ids to remote ids, call the connector, store.

Every action:
1. refuses a disabled integration (PLATFORM.INPUT_INVALID, see apps.integrations.enabled) or one whose credentials
   were rejected (INTEGRATION.AUTHENTICATION_INVALID), and an action the connector's `write_coverage` lacks
   (INTEGRATION.ACTION_NOT_AVAILABLE) — without calling the ATS;
2. validates what the serializers could not (ids, screening answers, files) and names the field on failure;
3. drops what the connector cannot write (coverage not SUPPORTED, `remote_fields` of other tools) with a
   warning each;
4. calls the connector once (connector errors become the contract's codes, see `writes.errors`);
5. keeps our copy in step: created applications and candidates are stored at once as tracked records.

Creates also do automatic attribution: the source decided by `attribution_source_for_write` goes to the
connector, and `attribution_record_outcome` reads it back afterwards.
"""

from __future__ import annotations

from apps.applications.writes.actions import (
    application_add_attachment,
    application_add_note,
    application_add_result_link,
    application_attachments,
    application_move_stage,
    application_reject,
    attachment_download,
    candidate_add_attachment,
    candidate_add_result_link,
    candidate_attachments,
    candidate_tag,
)
from apps.applications.writes.common import job_for_write
from apps.applications.writes.creates import (
    application_create,
    candidate_create,
    tracked_application_import,
)

__all__ = [
    "application_add_attachment",
    "application_add_note",
    "application_add_result_link",
    "application_attachments",
    "application_create",
    "application_move_stage",
    "application_reject",
    "attachment_download",
    "candidate_add_attachment",
    "candidate_add_result_link",
    "candidate_attachments",
    "candidate_create",
    "candidate_tag",
    "job_for_write",
    "tracked_application_import",
]
