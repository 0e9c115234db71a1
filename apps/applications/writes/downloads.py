"""Short-lived signed URLs for attachments read live from the ATS (`data_url` of the attachment GETs).

The URL carries, signed with SECRET_KEY, which integration and which attachment (with its owners' remote ids)
to fetch; opening it streams the file from the ATS through the connector. Anyone holding the URL can download
the file until it expires (`WRITE_DOWNLOAD_URL_SECONDS`), like a pre-signed storage URL; it never exposes the
ATS's own URL or credentials.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from apps.connectors.dtos import AttachmentRef, RemoteAttachment
from apps.core.api.errors import ApiError, ErrorCode

SALT = "tributary.applications.attachment-download"
MESSAGE_INVALID = "This download link is invalid."
MESSAGE_EXPIRED = "This download link has expired; list the attachments again for a fresh one."


@dataclass(frozen=True)
class DownloadTicket:
    integration_id: str
    attachment: AttachmentRef
    file_name: str | None
    content_type: str | None


def attachment_download_path(*, integration_id: str, attachment: RemoteAttachment) -> str:
    """The path (under the public base URL) that downloads `attachment` of the integration."""
    token = signing.dumps(
        {
            "i": integration_id,
            "a": attachment.remote_id,
            "c": attachment.candidate_remote_id,
            "p": attachment.application_remote_id,
            "n": attachment.file_name,
            "t": attachment.content_type,
        },
        salt=SALT,
        compress=True,
    )
    return reverse("ats-attachment-download", kwargs={"token": token})


def attachment_download_ticket(token: str) -> DownloadTicket:
    """What a download URL grants; PLATFORM.INPUT_INVALID (404) when it is forged or expired."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=settings.WRITE_DOWNLOAD_URL_SECONDS)
    except signing.SignatureExpired:
        raise ApiError(ErrorCode.PLATFORM_INPUT_INVALID, MESSAGE_EXPIRED, status=404) from None
    except signing.BadSignature:
        raise ApiError(ErrorCode.PLATFORM_INPUT_INVALID, MESSAGE_INVALID, status=404) from None
    return DownloadTicket(
        integration_id=payload["i"],
        attachment=AttachmentRef(
            remote_id=payload["a"], candidate_remote_id=payload["c"], application_remote_id=payload["p"]
        ),
        file_name=payload.get("n"),
        content_type=payload.get("t"),
    )
