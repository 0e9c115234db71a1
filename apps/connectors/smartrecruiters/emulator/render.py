"""State → SmartRecruiters JSON. Field names and envelopes follow the reference (Part A3/A5); `base` is the
emulator's own origin, used where the real API answers absolute `https://api.smartrecruiters.com/...` links."""

from __future__ import annotations

from typing import Any

from apps.connectors.smartrecruiters.emulator.model import (
    APPLY_STATUS,
    Application,
    Attachment,
    Candidate,
    Interview,
    Job,
    JobAd,
    Message,
    Offer,
    Posting,
    ScreeningQuestion,
    SourceType,
    SourceValue,
    User,
)
from apps.connectors.smartrecruiters.emulator.state import State, fmt


def action(url: str, method: str = "GET") -> dict[str, str]:
    return {"url": url, "method": method}


def labeled(pair: tuple[str, str] | None) -> dict[str, str] | None:
    return {"id": pair[0], "label": pair[1]} if pair else None


# -- users ------------------------------------------------------------------------------------------
def user(state: State, item: User) -> dict[str, Any]:
    return {
        "id": item.id,
        "email": item.email,
        "firstName": item.first_name,
        "lastName": item.last_name,
        "systemRole": {"id": item.system_role},
        "externalData": None,
        "ssoLoginMode": item.sso_login_mode,
        "language": {"code": item.language},
        "active": item.active,
        "updatedOn": fmt(item.updated_on),
        "accessGroups": [],
        "seats": [],
    }


# -- jobs -------------------------------------------------------------------------------------------
LANGUAGE_LABELS = {"en": ("English", "English (US)")}


def _language(code: str) -> dict[str, str]:
    label, native = LANGUAGE_LABELS.get(code, (code, code))
    return {"code": code, "label": label, "labelNative": native}


def job_summary(state: State, job: Job, base: str) -> dict[str, Any]:
    return {
        "id": job.id,
        "title": job.title,
        "refNumber": job.ref_number,
        "createdOn": fmt(job.created_on),
        "updatedOn": fmt(job.updated_on),
        "lastActivityOn": fmt(job.last_activity_on),
        "department": labeled(job.department),
        "location": dict(job.location),
        "status": job.status,
        "postingStatus": job.posting_status,
        "language": _language(job.language),
        "actions": {"details": action(f"{base}/jobs/{job.id}")},
    }


def job_details(state: State, job: Job, base: str) -> dict[str, Any]:
    creator = state.users.get(job.creator_id)
    return {
        "id": job.id,
        "title": job.title,
        "refNumber": job.ref_number,
        "createdOn": fmt(job.created_on),
        "updatedOn": fmt(job.updated_on),
        "lastActivityOn": fmt(job.last_activity_on),
        "department": labeled(job.department),
        "location": dict(job.location),
        "status": job.status,
        "postingStatus": job.posting_status,
        "targetHiringDate": fmt(job.target_hiring_date),
        "industry": labeled(job.industry),
        "function": labeled(job.function),
        "typeOfEmployment": labeled(job.type_of_employment),
        "experienceLevel": labeled(job.experience_level),
        "eeoCategory": None,
        "template": False,
        "creator": {"id": creator.id, "firstName": creator.first_name, "lastName": creator.last_name}
        if creator
        else None,
        "compensation": job.compensation,
        "jobAd": {"language": _language(job.language), "sections": job.sections},
        "properties": [],
        "actions": {
            "hiringTeam": action(f"{base}/jobs/{job.id}/hiring-team"),
            "publications": action(f"{base}/jobs/{job.id}/publication"),
            "positions": action(f"{base}/jobs/{job.id}/positions"),
            "jobAds": action(f"{base}/jobs/{job.id}/jobads"),
            "applyOnWeb": action(apply_url(state, job, base)),
            "details": action(f"{base}/jobs/{job.id}"),
        },
    }


def apply_url(state: State, job: Job, base: str) -> str:
    # The real URL is https://jobs.smartrecruiters.com/oneclick-ui/company/<c>/publication/<uuid>.
    posting_uuid = job.posting.uuid if job.posting else job.id
    return f"{base}/oneclick-ui/company/{state.company_identifier}/publication/{posting_uuid}"


def job_ad(state: State, job: Job, ad: JobAd, base: str) -> dict[str, Any]:
    return {
        "id": ad.id,
        "title": ad.title,
        "language": _language(ad.language),
        "jobAd": {"sections": job.sections},
        "createdOn": fmt(ad.created_on),
        "updatedOn": fmt(ad.updated_on),
        "applyUrl": apply_url(state, job, base),
        "postingStatus": ad.posting_status,
        "default": ad.default,
        "visibility": ad.visibility,
        "creator": {"id": ad.creator_id},
        "actions": {"postings": action(f"{base}/jobs/{job.id}/jobads/{ad.id}/postings")},
    }


def posting(state: State, job: Job, item: Posting, base: str, *, details: bool = False) -> dict[str, Any]:
    """The public Posting API object (SR-DOC https://developers.smartrecruiters.com/docs/objects)."""
    location = job.location
    creator = state.users.get(job.creator_id)
    data: dict[str, Any] = {
        "id": item.id,
        "uuid": item.uuid,
        "name": job.title,
        "jobAdId": item.job_ad_id,
        "defaultJobAd": True,
        "refNumber": job.ref_number,
        "company": {"identifier": state.company_identifier, "name": state.company_name},
        "releasedDate": fmt(item.released_on),
        "location": {
            "city": location.get("city"),
            "region": location.get("regionCode"),
            "country": location.get("countryCode"),
            "remote": bool(location.get("remote", False)),
            "fullLocation": ", ".join(
                part for part in (location.get("city"), location.get("region"), location.get("country")) if part
            ),
        },
        "industry": labeled(job.industry),
        "department": {"id": job.department[0], "label": job.department[1]},
        "function": labeled(job.function),
        "typeOfEmployment": labeled(job.type_of_employment),
        "experienceLevel": labeled(job.experience_level),
        "customField": [],
        "ref": f"{base}/v1/companies/{state.company_identifier}/postings/{item.id}",
        "creator": {"name": creator.name if creator else None},
    }
    if details:
        data["jobAd"] = {"sections": job.sections}
        data["applyUrl"] = apply_url(state, job, base)
        data["postingUrl"] = f"{base}/{state.company_identifier}/{item.id}"
    return data


def screening_configuration(item: Posting, *, conditionals: bool, company_name: str, company: str) -> dict[str, Any]:
    def field_json(field: Any) -> dict[str, Any]:
        data: dict[str, Any] = {"id": field.id, "label": field.label, "type": field.type, "required": field.required}
        if field.values:
            data["values"] = [{"id": value_id, "label": label} for value_id, label in field.values]
        return data

    settings: dict[str, Any] = {"avatarUploadAvailable": False}
    if conditionals:
        settings["conditionals"] = [
            {
                "parentQuestionId": conditional.parent_question_id,
                "fieldId": conditional.field_id,
                "valueIds": list(conditional.value_ids),
                "conditionalQuestions": list(conditional.questions),
            }
            for conditional in item.conditionals
        ]
    return {
        "questions": [
            {
                "id": question.id,
                "label": question.label,
                "repeatable": question.repeatable,
                "fields": [field_json(field) for field in question.fields],
            }
            for question in item.questions
        ],
        "settings": settings,
        "privacyPolicies": [{"url": f"https://{company}.example/privacy", "orgName": company_name}],
    }


# -- candidates and applications --------------------------------------------------------------------
def _reason(state: State, reason_id: str | None, withdrawal: bool = False) -> dict[str, str] | None:
    if reason_id is None:
        return None
    reasons = state.withdrawal_reasons if withdrawal else state.rejection_reasons
    reason = reasons.get(reason_id)
    return {"id": reason_id, "label": reason.label if reason else reason_id}


def _source_action(state: State, application: Application, base: str) -> dict[str, Any]:
    type_id, subtype_id, value_id = application.source
    query = f"?sourceSubType={subtype_id}" if subtype_id else ""
    return action(f"{base}/configuration/sources/{type_id}/values/{value_id}{query}")


def assignment_summary(state: State, application: Application, base: str) -> dict[str, Any]:
    job = state.jobs[application.job_id]
    return {
        "job": {"id": job.id, "title": job.title, "actions": {"details": action(f"{base}/jobs/{job.id}")}},
        "status": application.status,
        "subStatus": application.sub_status,
    }


def assignment_details(state: State, application: Application, base: str) -> dict[str, Any]:
    job = state.jobs[application.job_id]
    return {
        "job": {"id": job.id, "title": job.title},
        "status": application.status,
        "subStatus": application.sub_status,
        "startsOn": fmt(application.starts_on),
        "source": state.source_label(application.source),
        "reasonOfRejection": _reason(state, application.rejection_reason_id),
        "reasonOfWithdrawal": _reason(state, application.withdrawal_reason_id, withdrawal=True),
        "actions": {"sourceDetails": _source_action(state, application, base)},
    }


def candidate_summary(state: State, candidate: Candidate, base: str) -> dict[str, Any]:
    applications = state.candidate_applications(candidate)
    primary = applications[-1] if applications else None
    return {
        "id": candidate.id,
        "internal": candidate.internal,
        "firstName": candidate.first_name,
        "lastName": candidate.last_name,
        "email": candidate.email,
        "createdOn": fmt(candidate.created_on),
        "updatedOn": fmt(candidate.updated_on),
        "location": dict(candidate.location),
        "averageRating": candidate.average_rating,
        "tags": list(candidate.tags),
        "consent": {"status": candidate.consent_status},
        "primaryAssignment": assignment_summary(state, primary, base) if primary else None,
        "secondaryAssignments": [assignment_summary(state, item, base) for item in applications[:-1]],
        "actions": {
            "details": action(f"{base}/candidates/{candidate.id}"),
            "properties": action(f"{base}/candidates/{candidate.id}/properties"),
        },
    }


def candidate_details(state: State, candidate: Candidate, base: str) -> dict[str, Any]:
    applications = state.candidate_applications(candidate)
    primary = applications[-1] if applications else None
    return {
        "id": candidate.id,
        "internal": candidate.internal,
        "firstName": candidate.first_name,
        "lastName": candidate.last_name,
        "email": candidate.email,
        "phoneNumber": candidate.phone,
        "location": dict(candidate.location),
        "web": dict(candidate.web),
        "createdOn": fmt(candidate.created_on),
        "updatedOn": fmt(candidate.updated_on),
        "tags": list(candidate.tags),
        "averageRating": candidate.average_rating,
        "education": list(candidate.education),
        "experience": list(candidate.experience),
        "consent": {"status": candidate.consent_status},
        "primaryAssignment": assignment_details(state, primary, base) if primary else None,
        "secondaryAssignments": [assignment_details(state, item, base) for item in applications[:-1]],
        "actions": {
            "properties": action(f"{base}/candidates/{candidate.id}/properties"),
            "attachments": action(f"{base}/candidates/{candidate.id}/attachments"),
            "consent": action(f"{base}/candidates/{candidate.id}/consent"),
            "consents": action(f"{base}/candidates/{candidate.id}/consents"),
        },
    }


def application(state: State, item: Application, base: str) -> dict[str, Any]:
    """`GET /candidates/{id}/jobs/{jobId}`. SR-RB's `Application` has no id, but the jobApplicationId is what
    `/job-applications/{id}` and `/interviews?applicationId=` take, so we expose it as `id` (our addition)."""
    return {
        "id": item.id,
        "status": item.status,
        "subStatus": item.sub_status,
        "startsOn": fmt(item.starts_on),
        "source": state.source_label(item.source),
        "reasonOfRejection": _reason(state, item.rejection_reason_id),
        "reasonOfWithdrawal": _reason(state, item.withdrawal_reason_id, withdrawal=True),
        "actions": {"sourceDetails": _source_action(state, item, base)},
        "url": f"{base}/app/people/applications/{item.id}",
    }


def job_application(state: State, item: Application) -> dict[str, Any]:
    return {
        "id": item.id,
        "status": item.status,
        "subStatus": item.sub_status,
        "sourceIdentifier": state.source_identifier(item.source),
        "createDate": fmt(item.created_on),
        "profileId": item.candidate_id,
        "jobId": item.job_id,
    }


def status_history(item: Application) -> dict[str, Any]:
    content = []
    for change in item.history:
        entry: dict[str, Any] = {"changedOn": fmt(change.changed_on), "status": change.status}
        if change.sub_status:
            entry["subStatus"] = change.sub_status
        content.append(entry)
    return {"totalFound": len(content), "content": content}


ANSWER_TYPES = {
    "RADIO": "radio",
    "SINGLE_SELECT": "select",
    "MULTI_SELECT": "select",
    "CHECKBOX": "checkbox",
    "INPUT_TEXT": "text",
    "TEXTAREA": "textarea",
    "INFORMATION": "info",
}


def screening_answers(state: State, item: Application) -> dict[str, Any]:
    job = state.jobs[item.job_id]
    questions: dict[str, ScreeningQuestion] = (
        {question.id: question for question in job.posting.questions} if job.posting else {}
    )
    content = []
    for answer in item.answers:
        question = questions.get(answer["id"])
        if question is None:
            continue
        fields = {field.id: field for field in question.fields}
        records = []
        for record in answer["records"]:
            record_fields = []
            for field_id, values in record.items():
                field = fields[field_id]
                labels = dict(field.values)
                record_fields.append(
                    {
                        "id": field_id,
                        "label": field.label,
                        # AnswerFieldValue.id is "value text or value ID - depends on question definition".
                        "values": [{"id": value, "label": labels.get(value, value)} for value in values],
                    }
                )
            records.append({"fields": record_fields})
        content.append(
            {
                "id": question.id,
                "type": ANSWER_TYPES.get(question.fields[0].type, "text"),
                "category": question.category,
                "name": question.name,
                "label": question.label,
                "records": records,
            }
        )
    return {"totalFound": len(content), "content": content}


def attachment(item: Attachment, base: str, *, for_job: bool = False) -> dict[str, Any]:
    data = {
        "id": item.id,
        "name": item.name,
        "type": item.type,
        "contentType": item.content_type,
        "actions": {"download": action(f"{base}/candidates/{item.candidate_id}/attachments/{item.id}")},
    }
    if for_job:
        data["actions"]["remove"] = action(f"{base}/candidates/attachments/{item.id}", "DELETE")
    return data


def message(item: Message, candidate_id: str) -> dict[str, Any]:
    return {
        "content": item.content,
        "createdOn": fmt(item.created_on),
        "visibility": item.visibility,
        "authorId": item.author_id,
        "context": {"candidateId": candidate_id, "jobIds": list(item.hiring_team_of)},
    }


def offer(item: Offer, base: str) -> dict[str, Any]:
    """The Offer model has no candidate or job fields; its links carry them (our reading, NOT FOUND)."""
    root = f"{base}/candidates/{item.candidate_id}/jobs/{item.job_id}"
    return {
        "id": item.id,
        "status": item.status,
        "createdOn": fmt(item.created_on),
        "updatedOn": fmt(item.updated_on),
        "properties": dict(item.properties),
        "actions": {
            "details": action(f"{root}/offers/{item.id}"),
            "candidate": action(f"{base}/candidates/{item.candidate_id}"),
            "job": action(f"{base}/jobs/{item.job_id}"),
            "documents": action(f"{base}/offers/{item.id}/documents"),
        },
    }


def interview(item: Interview) -> dict[str, Any]:
    return {
        "id": item.id,
        "candidate": {"id": item.candidate_id},
        "jobId": item.job_id,
        "location": item.location,
        "organizerId": item.organizer_id,
        "timezone": item.timezone,
        "timeslots": [
            {
                "id": slot.id,
                "interviewType": slot.interview_type,
                "title": slot.title,
                "place": slot.place,
                "startsOn": fmt(slot.starts_on),
                "endsOn": fmt(slot.ends_on),
                "interviewers": [{"id": user_id, "status": status} for user_id, status in slot.interviewers],
                "candidateStatus": slot.candidate_status,
            }
            for slot in item.timeslots
        ],
        "createdOn": fmt(item.created_on),
        "refUrl": item.ref_url,
        "source": item.source,
    }


# -- configuration ----------------------------------------------------------------------------------
def source_type(item: SourceType, base: str) -> dict[str, Any]:
    return {
        "id": item.id,
        "label": item.label,
        "subtypes": [{"id": subtype} for subtype in item.subtypes],
        "actions": {"values": action(f"{base}/configuration/sources/{item.id}/values")},
    }


def source_value(item: SourceValue, base: str) -> dict[str, Any]:
    query = f"?sourceSubType={item.subtype_id}" if item.subtype_id else ""
    return {
        "id": item.id,
        "sourceIdentifier": item.identifier,
        "label": item.label,
        "sourceSubType": {"id": item.subtype_id} if item.subtype_id else None,
        "actions": {"sourceDetails": action(f"{base}/configuration/sources/{item.type_id}/values/{item.id}{query}")},
    }


def apply_status(item: Application) -> dict[str, str]:
    return {"status": APPLY_STATUS[item.status]}
