"""The sandbox store's side of every write action of the contract (mixed into `SandboxStore`)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from apps.connectors.errors import (
    ConnectorApplicationExists,
    ConnectorInputError,
    ConnectorJobClosed,
    ConnectorNotFound,
)
from apps.connectors.sandbox.generator import (
    HIRED_STAGE_INDEX,
)
from apps.connectors.sandbox.records import (
    CreatedApplication,
    NewAttachment,
    NewCandidate,
    now_iso,
)


class StoreWrites:
    """Creates, moves, rejects, notes, tags and attachments, as the connector's writes call them."""

    # -- write actions of the contract -------------------------------------------------------------

    def create_application(
        self,
        *,
        job_id: str,
        candidate: NewCandidate,
        stage_id: str | None = None,
        source: str | None = None,
        screening_answers: Mapping[str, Any] | None = None,
        attachments: Sequence[NewAttachment] = (),
        sourced_by_user_id: str | None = None,
        gdpr_consent: Mapping[str, Any] | None = None,
        remote_fields: Mapping[str, Any] | None = None,
        custom_fields: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> CreatedApplication:
        """Apply `candidate` to a job. An existing candidate (same email, any case) is reused, its source kept.

        Raises ConnectorNotFound (job), ConnectorJobClosed, ConnectorApplicationExists (already applied),
        ConnectorInputError (stage of another job, unknown question or user).
        """
        with self._write() as db:
            job = self._get(db, "jobs", job_id)
            if job is None:
                raise ConnectorNotFound(f"Job {job_id} does not exist.", status_code=404)
            if job["status"] != "OPEN":
                raise ConnectorJobClosed(
                    f"Job {job_id} is {job['status'].lower()} and takes no applications.",
                    status_code=400,
                    remote_message="This job is not accepting applications.",
                )
            stages = {stage["id"]: stage for stage in job["stages"]}
            if stage_id is None:
                stage_id = job["stages"][0]["id"]
            elif stage_id not in stages:
                raise ConnectorInputError(f"Stage {stage_id} is not a stage of job {job_id}.", status_code=400)
            if sourced_by_user_id is not None and self._get(db, "users", sourced_by_user_id) is None:
                raise ConnectorInputError(f"User {sourced_by_user_id} does not exist.", status_code=400)
            answers = self._answers(job, screening_answers or {})
            now = now_iso()

            existing_id = self._find_candidate(db, candidate.email_address)
            if existing_id is not None:
                cand = self._get(db, "candidates", existing_id)
                assert cand is not None
                duplicate = db.execute(
                    "SELECT 1 FROM records WHERE model = 'applications' AND candidate_id = ? AND deleted_at IS NULL "
                    "AND json_extract(doc, '$.job_id') = ?",
                    (existing_id, job_id),
                ).fetchone()
                if duplicate:
                    raise ConnectorApplicationExists(
                        f"Candidate {existing_id} has already applied to job {job_id}.",
                        status_code=409,
                        remote_message="The candidate has already applied to this job.",
                    )
                created_candidate = False
            else:
                cand = self._candidate_doc(db, candidate, source=source, now=now)
                created_candidate = True
            own = (custom_fields or {}).get("candidates") or {}
            if own or created_candidate:
                # an existing candidate's other custom fields stay; the request's values are set
                cand["custom_fields"] = {**(cand.get("custom_fields") or {}), **own}
                if not created_candidate:
                    cand["updated_at"] = now
                self._store(db, "candidates", cand, updated_at=now)

            app_id = self._new_id(db, "applications")
            application = {
                "id": app_id, "candidate_id": cand["id"], "job_id": job_id, "stage_id": stage_id, "status": "active",
                "rejection_reason_id": None, "rejection_reason_name": None, "rejected_at": None, "hired_at": None,
                "source": source if source is not None else cand.get("source"), "answers": answers,
                "created_at": now, "updated_at": now,
                "url": f"https://app.sandbox-ats.example.com/applications/{app_id}",
                "custom_fields": dict((custom_fields or {}).get("applications") or {}),
                "sourced_by": sourced_by_user_id, "gdpr_consent": dict(gdpr_consent or {}),
                "remote_fields": dict(remote_fields or {}),
            }  # fmt: skip
            self._store(db, "applications", application, updated_at=now, application_id=app_id, candidate_id=cand["id"])
            for attachment in attachments:
                self._attachment(db, attachment, candidate_id=cand["id"], application_id=app_id, now=now)
            return CreatedApplication(application=application, candidate=cand, candidate_created=created_candidate)

    def move_application_stage(self, *, application_id: str, stage_id: str) -> dict[str, Any]:
        with self._write() as db:
            application, job = self._application_and_job(db, application_id)
            stage_ids = [stage["id"] for stage in job["stages"]]
            if stage_id not in stage_ids:
                raise ConnectorInputError(f"Stage {stage_id} is not a stage of job {job['id']}.", status_code=400)
            if application["status"] == "rejected":
                raise ConnectorInputError(f"Application {application_id} is rejected; it cannot move.", status_code=409)
            now = now_iso()
            application["stage_id"] = stage_id
            if stage_ids.index(stage_id) == HIRED_STAGE_INDEX:
                application["status"], application["hired_at"] = "hired", now
            else:
                application["status"], application["hired_at"] = "active", None
            application["updated_at"] = now
            self._store(db, "applications", application, updated_at=now)
            return application

    def reject_application(
        self, *, application_id: str, rejection_reason_id: str, note: str | None = None
    ) -> dict[str, Any]:
        with self._write() as db:
            application, _ = self._application_and_job(db, application_id)
            reason = self._get(db, "rejection_reasons", rejection_reason_id)
            if reason is None:
                raise ConnectorInputError(f"Rejection reason {rejection_reason_id} does not exist.", status_code=400)
            now = now_iso()
            application.update(
                status="rejected", rejection_reason_id=rejection_reason_id, rejection_reason_name=reason["name"],
                rejected_at=now, updated_at=now, hired_at=None,
            )  # fmt: skip
            self._store(db, "applications", application, updated_at=now)
            if note:
                self._note(db, application, content=note, author_id=None, now=now, title="Rejection")
            return application

    def add_application_note(
        self, *, application_id: str, content: str, content_type: str = "PLAIN_TEXT", author_id: str | None = None
    ) -> dict[str, Any]:
        with self._write() as db:
            application, _ = self._application_and_job(db, application_id)
            return self._note(db, application, content=content, author_id=author_id, now=now_iso(), title=None)

    def add_attachment(
        self, *, attachment: NewAttachment, candidate_id: str | None = None, application_id: str | None = None
    ) -> dict[str, Any]:
        """Attach a file to an application (its candidate too) or to a candidate only."""
        with self._write() as db:
            if application_id is not None:
                application, _ = self._application_and_job(db, application_id)
                candidate_id = application["candidate_id"]
            elif candidate_id is None or self._get(db, "candidates", candidate_id) is None:
                raise ConnectorNotFound(f"Candidate {candidate_id} does not exist.", status_code=404)
            return self._attachment(
                db, attachment, candidate_id=candidate_id, application_id=application_id, now=now_iso()
            )

    def add_result_link(
        self,
        *,
        label: str,
        url: str,
        details: Mapping[str, Any] | None = None,
        candidate_id: str | None = None,
        application_id: str | None = None,
    ) -> dict[str, Any]:
        with self._write() as db:
            if application_id is not None:
                application, _ = self._application_and_job(db, application_id)
                candidate_id = application["candidate_id"]
            elif candidate_id is None or self._get(db, "candidates", candidate_id) is None:
                raise ConnectorNotFound(f"Candidate {candidate_id} does not exist.", status_code=404)
            now = now_iso()
            link = {
                "id": self._new_id(db, "result_links"), "candidate_id": candidate_id, "application_id": application_id,
                "label": label, "url": url, "details": dict(details or {}), "created_at": now, "updated_at": now,
            }  # fmt: skip
            self._store(
                db, "result_links", link, updated_at=now, application_id=application_id, candidate_id=candidate_id
            )
            return link

    def add_candidate_tag(self, *, candidate_id: str, name: str) -> dict[str, Any]:
        """Tag a candidate by tag name; an unknown name creates the tag (as most ATSs do)."""
        with self._write() as db:
            candidate = self._require(db, "candidates", candidate_id)
            now = now_iso()
            tag_id = self._tag_id(db, name)
            if tag_id is None:
                tag = {"id": self._new_id(db, "tags"), "name": name}
                self._store(db, "tags", tag, updated_at=now)
                tag_id = tag["id"]
            if all(tag["id"] != tag_id for tag in candidate["tags"]):
                candidate["tags"].append({"id": tag_id, "name": name})
                candidate["updated_at"] = now
                self._store(db, "candidates", candidate, updated_at=now)
            return candidate

    def remove_candidate_tag(self, *, candidate_id: str, name: str) -> dict[str, Any]:
        with self._write() as db:
            candidate = self._require(db, "candidates", candidate_id)
            remaining = [tag for tag in candidate["tags"] if tag["name"].casefold() != name.casefold()]
            if len(remaining) != len(candidate["tags"]):
                now = now_iso()
                candidate["tags"], candidate["updated_at"] = remaining, now
                self._store(db, "candidates", candidate, updated_at=now)
            return candidate

    def attachments(
        self, *, candidate_id: str | None = None, application_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Live attachments of an application, or of a candidate (all of its applications included)."""
        column, value = (
            ("application_id", application_id) if application_id is not None else ("candidate_id", candidate_id)
        )
        with self._lock:
            rows = self._db.execute(
                f"SELECT doc FROM records WHERE model = 'attachments' AND {column} = ? AND deleted_at IS NULL "
                "ORDER BY remote_id",
                (value,),
            ).fetchall()
        return [json.loads(row[0]) for row in rows]

    def find_application(
        self, *, job_id: str, candidate_id: str | None = None, email: str | None = None
    ) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The live application (and its candidate) of a candidate, given by id or primary email, to a job."""
        with self._lock:
            if candidate_id is None:
                if email is None:
                    return None
                candidate_id = self._find_candidate(self._db, email)
                if candidate_id is None:
                    return None
            row = self._db.execute(
                "SELECT doc FROM records WHERE model = 'applications' AND candidate_id = ? AND deleted_at IS NULL "
                "AND json_extract(doc, '$.job_id') = ? ORDER BY remote_id LIMIT 1",
                (candidate_id, job_id),
            ).fetchone()
            candidate = self._get(self._db, "candidates", candidate_id)
        if row is None or candidate is None:
            return None
        return json.loads(row[0]), candidate
