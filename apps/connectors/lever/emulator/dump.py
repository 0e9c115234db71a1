"""Lever wire JSON of the emulator's records (reference B5), `GET /_emulator/state` and the seed counts."""

from __future__ import annotations

from collections import Counter
from typing import Any

from apps.connectors.lever.emulator.state import Contact, Opportunity, Posting, State

HIRE = "https://hire.lever.co"


def posting_json(posting: Posting) -> dict[str, Any]:
    return {
        "id": posting.id, "text": posting.text, "createdAt": posting.created_at, "updatedAt": posting.updated_at,
        "user": posting.owner, "owner": posting.owner, "hiringManager": posting.owner,
        "confidentiality": "non-confidential", "state": posting.state,
        "distributionChannels": ["internal", "public"] if posting.state == "published" else ["internal"],
        "categories": {"team": posting.team, "department": "Engineering", "location": posting.location,
                       "allLocations": [posting.location], "commitment": posting.commitment, "level": None},
        "content": {"description": f"Join us as {posting.text}.",
                    "descriptionHtml": f"<p>Join us as {posting.text}.</p>",
                    "lists": [], "closing": "", "closingHtml": ""},
        "country": "DE", "tags": list(posting.tags), "requisitionCodes": [],
        "salaryRange": {"max": 80000, "min": 60000, "currency": "EUR", "interval": "per-year-salary"},
        "urls": {"list": "https://jobs.lever.co/acme", "show": f"https://jobs.lever.co/acme/{posting.id}",
                 "apply": f"https://jobs.lever.co/acme/{posting.id}/apply"},
        "workplaceType": "hybrid",
    }  # fmt: skip


def apply_form_json(posting: Posting) -> dict[str, Any]:
    """`GET /postings/:posting/apply`: the posting's application form (reference B5)."""
    return {
        "id": posting.id, "text": posting.text,
        "customQuestions": [
            {"id": form["id"], "text": form["text"],
             "fields": [{**spec, "value": [] if spec["type"] == "multiple-select" else None}
                        for spec in form["fields"]]}
            for form in posting.custom_questions
        ],
        "eeoQuestions": {"gender": {"type": "dropdown", "options": [{"text": "Female", "optionId": "Female"},
                                                                    {"text": "Male", "optionId": "Male"}]}},
        "personalInformation": [
            {"text": "Full name", "name": "fullName", "type": "text", "required": True, "value": None},
            {"text": "Email", "name": "email", "type": "text", "required": True, "value": None},
            {"text": "Phone", "name": "phone", "type": "text", "required": False, "value": None},
            {"text": "Current company", "name": "currentCompany", "type": "text", "required": False, "value": None},
            {"text": "Resume/CV", "name": "resume", "type": "file-upload", "required": False, "value": None},
        ],
        "urls": [{"text": "LinkedIn", "name": "LinkedIn", "type": "text", "required": False}],
        "consentDisclosures": {},
    }  # fmt: skip


def application_json(opportunity: Opportunity) -> dict[str, Any] | None:
    application = opportunity.application
    if application is None:
        return None
    archived = {"archivedAt": opportunity.archived_at, "reason": opportunity.archive_reason}
    return {**application, "archived": archived if opportunity.archived_at else None}


def opportunity_json(opportunity: Opportunity, state: State, expand: set[str]) -> dict[str, Any]:
    application = application_json(opportunity)
    archived = {"archivedAt": opportunity.archived_at, "reason": opportunity.archive_reason}
    body: dict[str, Any] = {
        "id": opportunity.id, "name": opportunity.name, "headline": opportunity.headline,
        "contact": opportunity.contact, "emails": list(opportunity.emails), "phones": list(opportunity.phones),
        "confidentiality": opportunity.confidentiality, "location": opportunity.location,
        "links": list(opportunity.links), "createdAt": opportunity.created_at, "updatedAt": opportunity.updated_at,
        "lastAdvancedAt": opportunity.last_advanced_at, "archivedAt": opportunity.archived_at,
        "archiveReason": opportunity.archive_reason, "archived": archived if opportunity.archived_at else None,
        "stage": opportunity.stage, "stageChanges": list(opportunity.stage_changes), "owner": opportunity.owner,
        "tags": list(opportunity.tags), "sources": list(opportunity.sources), "origin": opportunity.origin,
        "sourcedBy": opportunity.sourced_by,
        "applications": [application["id"]] if application else [], "followers": list(opportunity.followers),
        "urls": {"list": f"{HIRE}/candidates", "show": f"{HIRE}/candidates/{opportunity.id}"},
        "isAnonymized": False, "dataProtection": None,
    }  # fmt: skip
    if "applications" in expand:
        body["applications"] = [application] if application else []
    if "stage" in expand:
        stage = next((s for s in state.stages if s["id"] == opportunity.stage), None)
        body["stage"] = dict(stage) if stage else None
    if "contact" in expand:
        contact = state.contacts.get(opportunity.contact)
        body["contact"] = contact_json(contact) if contact else None
    return body


def contact_json(contact: Contact) -> dict[str, Any]:
    """`GET /contacts/:contact`; its fields beyond the reference's mention are NOT FOUND (assumed)."""
    return {
        "id": contact.id, "name": contact.name, "headline": contact.headline, "isAnonymized": False,
        "location": {"name": contact.location} if contact.location else None, "emails": list(contact.emails),
        "phones": list(contact.phones),
    }  # fmt: skip


def _public(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in entry.items() if k != "content"} for entry in entries]


def text_counts(values: list[str]) -> list[dict[str, Any]]:
    return [{"text": text, "count": count} for text, count in sorted(Counter(values).items())]


def dump(state: State, config: Any) -> dict[str, Any]:
    """Everything, plainly: files and resumes with their content in base64-free form (size and name only)."""
    return {
        "seed": config.as_json(),
        "users": state.users,
        "stages": state.stages,
        "archiveReasons": state.archive_reasons,
        "postings": [{**posting_json(p), "customQuestions": p.custom_questions} for p in state.postings.values()],
        "contacts": [contact_json(c) for c in state.contacts.values()],
        "opportunities": [
            {
                **opportunity_json(o, state, {"applications"}),
                "notes": o.notes,
                "files": _public(o.files),
                "resumes": _public(o.resumes),
                "offers": o.offers,
                "interviews": o.interviews,
                "feedback": o.feedback,
            }
            for o in state.opportunities.values()
        ],  # fmt: skip
        "deleted": state.deleted,
        "webhooks": [dict(hook) for hook in state.webhooks.values()],
        "sources": text_counts([s for o in state.opportunities.values() for s in o.sources]),
        "tags": text_counts([t for o in state.opportunities.values() for t in o.tags]),
    }


def counts(state: State) -> dict[str, int]:
    return {"postings": len(state.postings), "contacts": len(state.contacts),
            "opportunities": len(state.opportunities), "users": len(state.users)}  # fmt: skip
