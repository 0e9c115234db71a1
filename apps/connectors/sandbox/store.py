"""The sandbox ATS's state: one SQLite file per sandbox (WAL mode), JSON documents, shared by all processes.

The web process, the workers and `manage.py sandbox advance` open the same file, so a candidate created
through the API, a sync and the passing of time all see one ATS. The file survives restarts; it is seeded
once, deterministically, when first opened.

Reading (`list`, `get`, `blob`) is what the connector's readers use. The write methods are the sandbox's
side of every write action of the contract; connector methods call them. Test and benchmark helpers
(`put`, `touch`, `delete`, `change_records`, faults) sit at the end.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import random
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from apps.connectors.errors import (
    ConnectorApplicationExists,
    ConnectorInputError,
    ConnectorJobClosed,
    ConnectorNotFound,
)
from apps.connectors.sandbox import generator
from apps.connectors.sandbox.generator import (
    DEFAULT_RECORDS,
    DEFAULT_SEED,
    HIRED_STAGE_INDEX,
    INTERVIEW_STAGE_INDEX,
    OFFER_STAGE_INDEX,
    REJECTION_REASONS,
    SandboxSize,
    iso,
)

SCHEMA_VERSION = "1"
MODELS = (
    "users", "roles", "tags", "rejection_reasons", "jobs", "candidates", "applications", "offers", "interviews",
    "notes", "scorecards", "attachments", "result_links",
)  # fmt: skip
_ID_PREFIX = {
    "candidates": "cand", "applications": "app", "notes": "note", "attachments": "att", "result_links": "link",
    "tags": "tag", "offers": "off", "interviews": "int",
}  # fmt: skip
_NEW_ID_START = 5_000_000  # ids we hand out later never collide with generated ones

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    model TEXT NOT NULL,
    remote_id TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    application_id TEXT,
    candidate_id TEXT,
    lookup TEXT,
    doc TEXT NOT NULL,
    PRIMARY KEY (model, remote_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS records_changes ON records (model, updated_at, remote_id);
CREATE INDEX IF NOT EXISTS records_application ON records (model, application_id);
CREATE INDEX IF NOT EXISTS records_candidate ON records (model, candidate_id);
CREATE INDEX IF NOT EXISTS records_lookup ON records (model, lookup);
CREATE TABLE IF NOT EXISTS blobs (remote_id TEXT PRIMARY KEY, content BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS faults (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    retry_after REAL,
    remaining INTEGER NOT NULL
);
"""


class FaultKind(StrEnum):
    """What the next calls to the sandbox do instead of answering (for the connector contract suite)."""

    RATE_LIMITED = "RATE_LIMITED"
    UNAVAILABLE = "UNAVAILABLE"
    TIMEOUT = "TIMEOUT"
    AUTH_FAILURE = "AUTH_FAILURE"
    # A write is carried out but its answer never arrives (the connector raises ConnectorWriteUncertain);
    # on reads it behaves like TIMEOUT.
    ANSWER_LOST = "ANSWER_LOST"
    PERMISSION_DENIED = "PERMISSION_DENIED"


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    retry_after: float | None = None


@dataclass(frozen=True)
class Listing:
    """One page of a listing: live documents, ids deleted in the window, and the key to continue after."""

    docs: list[dict[str, Any]]
    deleted_ids: list[str]
    last_key: tuple[str, ...] | None  # None: this was the last page


@dataclass(frozen=True)
class NewCandidate:
    """A candidate as a create-application request describes it."""

    first_name: str
    last_name: str
    email_address: str
    company: str | None = None
    title: str | None = None
    phone_number: str | None = None
    additional_email_addresses: tuple[tuple[str, str], ...] = ()  # (type, address)
    additional_phone_numbers: tuple[tuple[str, str], ...] = ()  # (type, number)
    location: Mapping[str, Any] | None = None  # city, country (ISO alpha-2), state, street_1, zip_code
    gender: str | None = None
    availability_date: date | None = None
    salary_expectation: tuple[str, float] | None = None  # (period YEAR|MONTH, amount)
    social_links: tuple[str, ...] = ()


@dataclass(frozen=True)
class NewAttachment:
    name: str
    type: str  # CV | COVER_LETTER | OTHER
    content_type: str
    data: bytes


@dataclass(frozen=True)
class CreatedApplication:
    application: dict[str, Any]
    candidate: dict[str, Any]
    candidate_created: bool  # False when an existing candidate (same email) applied again


@dataclass
class AdvanceSummary:
    steps: int = 0
    moved: int = 0
    hired: int = 0
    rejected: int = 0
    changed: int = 0
    vanished: int = 0
    arrived: int = 0
    touched_application_ids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "steps": self.steps, "moved": self.moved, "hired": self.hired, "rejected": self.rejected,
            "changed": self.changed, "vanished": self.vanished, "arrived": self.arrived,
        }  # fmt: skip


_OPEN_STORES: dict[tuple[str, int], SandboxStore] = {}
_OPEN_STORES_LOCK = threading.Lock()


def open_store(path: str | Path, *, seed: int = DEFAULT_SEED, records: int = DEFAULT_RECORDS) -> SandboxStore:
    """The store at `path`, one connection per process (reused: opening costs a schema check)."""
    key = (str(Path(path).resolve()), os.getpid())
    with _OPEN_STORES_LOCK:
        store = _OPEN_STORES.get(key)
        if store is None:
            store = _OPEN_STORES[key] = SandboxStore(path, seed=seed, records=records)
        return store


def forget_store(path: str | Path) -> None:
    """Close and forget this process's connection to `path` (before deleting the file)."""
    key = (str(Path(path).resolve()), os.getpid())
    with _OPEN_STORES_LOCK:
        store = _OPEN_STORES.pop(key, None)
    if store is not None:
        store.close()


def now_iso() -> str:
    return iso(datetime.now(tz=UTC))


def parse_iso(value: str | None) -> datetime | None:
    if value is None:
        return None
    return datetime.fromisoformat(value)


class SandboxStore:
    """One sandbox ATS. Thread-safe; every process may open the same file."""

    def __init__(self, path: str | Path, *, seed: int = DEFAULT_SEED, records: int = DEFAULT_RECORDS) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA busy_timeout = 60000")
        if self._db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._ensure_seeded(seed=seed, records=records)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- setup -------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; IMMEDIATE takes the write lock up front, so processes queue instead of failing."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _ensure_seeded(self, *, seed: int, records: int) -> None:
        with contextlib.suppress(sqlite3.OperationalError), self._lock:
            if self._db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone():
                return  # the common case: no write lock needed
        with self._write() as db:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            if db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone():
                return
            size = SandboxSize.for_records(records)
            blobs: list[tuple[str, bytes]] = []
            db.executemany(
                "INSERT INTO records (model, remote_id, updated_at, application_id, candidate_id, lookup, doc) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    (row.model, row.remote_id, iso(row.updated_at), row.application_id, row.candidate_id,
                     _lookup(row.model, row.doc), json.dumps(row.doc, separators=(",", ":")))
                    for row in _collect_blobs(generator.generate(seed=seed, size=size), blobs)
                ),
            )  # fmt: skip
            db.executemany("INSERT INTO blobs (remote_id, content) VALUES (?, ?)", blobs)
            db.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [("version", SCHEMA_VERSION), ("seed", str(seed)), ("records", str(records)), ("advance_step", "0")],
            )

    def meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, db: sqlite3.Connection, key: str, value: str) -> None:
        db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = ?", (key, value, value)
        )

    def _new_id(self, db: sqlite3.Connection, model: str) -> str:
        key = f"next_id:{model}"
        row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        number = int(row[0]) if row else _NEW_ID_START
        self._set_meta(db, key, str(number + 1))
        return f"{_ID_PREFIX[model]}-{number:07d}"

    # -- reading -----------------------------------------------------------------------------------

    def list(
        self,
        model: str,
        *,
        limit: int,
        after: tuple[str, ...] | None = None,
        updated_since: datetime | None = None,
        remote_ids: Sequence[str] | None = None,
        parent_ids: Sequence[str] | None = None,
    ) -> Listing:
        """A page of `model` in a stable order: by remote id, or by (updated_at, remote id) with `updated_since`.

        With `updated_since`, deleted records in the window come back as `deleted_ids` (tombstones) in the same
        ordered stream; without it, only live records are listed. `remote_ids` restricts to those ids (deleted
        ones among them are reported as deleted); `parent_ids` to records of those applications or candidates.
        """
        clauses = ["model = ?"]
        params: list[Any] = [model]
        by_change = updated_since is not None
        if by_change:
            clauses.append("updated_at >= ?")
            params.append(iso(updated_since))  # type: ignore[arg-type]
        elif remote_ids is None:
            clauses.append("deleted_at IS NULL")
        if remote_ids is not None:
            clauses.append(f"remote_id IN ({','.join('?' * len(remote_ids))})")
            params.extend(remote_ids)
        if parent_ids is not None:
            marks = ",".join("?" * len(parent_ids))
            clauses.append(f"(application_id IN ({marks}) OR candidate_id IN ({marks}))")
            params.extend(parent_ids)
            params.extend(parent_ids)
        if after is not None:
            if by_change:
                clauses.append("(updated_at, remote_id) > (?, ?)")
            else:
                clauses.append("remote_id > ?")
            params.extend(after)
        order = "updated_at, remote_id" if by_change else "remote_id"
        sql = (
            f"SELECT remote_id, updated_at, deleted_at, doc FROM records WHERE {' AND '.join(clauses)} "
            f"ORDER BY {order} LIMIT ?"
        )
        params.append(limit + 1)
        with self._lock:
            rows = self._db.execute(sql, params).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        docs = [json.loads(row[3]) for row in rows if row[2] is None]
        deleted = [row[0] for row in rows if row[2] is not None]
        last_key: tuple[str, ...] | None = None
        if more and rows:
            last = rows[-1]
            last_key = (last[1], last[0]) if by_change else (last[0],)
        return Listing(docs=docs, deleted_ids=deleted, last_key=last_key)

    def get(self, model: str, remote_id: str, *, include_deleted: bool = False) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT doc, deleted_at FROM records WHERE model = ? AND remote_id = ?", (model, remote_id)
            ).fetchone()
        if row is None or (row[1] is not None and not include_deleted):
            return None
        return json.loads(row[0])

    def count(self, model: str) -> int:
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*) FROM records WHERE model = ? AND deleted_at IS NULL", (model,)
            ).fetchone()
        return int(row[0])

    def ids(self, model: str) -> list[str]:
        """Every live remote id of `model`, sorted (tests and benchmarks)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT remote_id FROM records WHERE model = ? AND deleted_at IS NULL ORDER BY remote_id", (model,)
            ).fetchall()
        return [row[0] for row in rows]

    def blob(self, remote_id: str) -> bytes | None:
        with self._lock:
            row = self._db.execute("SELECT content FROM blobs WHERE remote_id = ?", (remote_id,)).fetchone()
        return bytes(row[0]) if row else None

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
                self._store(db, "candidates", cand, updated_at=now)
                created_candidate = True

            app_id = self._new_id(db, "applications")
            application = {
                "id": app_id, "candidate_id": cand["id"], "job_id": job_id, "stage_id": stage_id, "status": "active",
                "rejection_reason_id": None, "rejection_reason_name": None, "rejected_at": None, "hired_at": None,
                "source": source if source is not None else cand.get("source"), "answers": answers,
                "created_at": now, "updated_at": now,
                "url": f"https://app.sandbox-ats.example.com/applications/{app_id}",
                "custom_fields": {}, "sourced_by": sourced_by_user_id, "gdpr_consent": dict(gdpr_consent or {}),
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

    # -- time passes -------------------------------------------------------------------------------

    def advance(self, *, steps: int = 1) -> AdvanceSummary:
        """Make time pass: applications move on, some are hired or rejected, records change, vanish, arrive.

        Deterministic for a given history: step N of a sandbox always draws from the same random sequence.
        """
        summary = AdvanceSummary()
        for _ in range(steps):
            with self._write() as db:
                step = int(db.execute("SELECT value FROM meta WHERE key = 'advance_step'").fetchone()[0]) + 1
                self._set_meta(db, "advance_step", str(step))
                seed = int(db.execute("SELECT value FROM meta WHERE key = 'seed'").fetchone()[0])
                self._advance_step(db, random.Random(seed * 7919 + step), summary)
            summary.steps += 1
        return summary

    def _advance_step(self, db: sqlite3.Connection, rng: random.Random, summary: AdvanceSummary) -> None:
        now = now_iso()
        active = [
            row[0]
            for row in db.execute(
                "SELECT remote_id FROM records WHERE model = 'applications' AND deleted_at IS NULL "
                "AND json_extract(doc, '$.status') = 'active' ORDER BY remote_id"
            )
        ]
        rng.shuffle(active)
        share = max(1, len(active) // 12)
        to_move, to_reject = active[:share], active[share : share + max(1, share // 2)]
        for app_id in to_move:
            application, job = self._application_and_job(db, app_id)
            index = next(i for i, stage in enumerate(job["stages"]) if stage["id"] == application["stage_id"]) + 1
            index = min(index, HIRED_STAGE_INDEX)
            application["stage_id"], application["updated_at"] = job["stages"][index]["id"], now
            if index == HIRED_STAGE_INDEX:
                application["status"], application["hired_at"] = "hired", now
                summary.hired += 1
                self._offer(db, application, status="ACCEPTED", now=now)
            elif index == OFFER_STAGE_INDEX:
                self._offer(db, application, status="SENT", now=now)
            elif index == INTERVIEW_STAGE_INDEX:
                self._interview(db, application, job, rng=rng, now=now)
            self._store(db, "applications", application, updated_at=now)
            summary.moved += 1
            summary.touched_application_ids.append(app_id)
        for app_id in to_reject:
            application, _ = self._application_and_job(db, app_id)
            reason = rng.randrange(len(REJECTION_REASONS))
            application.update(
                status="rejected", rejection_reason_id=f"rr-{reason + 1:02d}",
                rejection_reason_name=REJECTION_REASONS[reason], rejected_at=now, updated_at=now,
            )  # fmt: skip
            self._store(db, "applications", application, updated_at=now)
            summary.rejected += 1
            summary.touched_application_ids.append(app_id)

        candidates = [row[0] for row in db.execute(
            "SELECT remote_id FROM records WHERE model = 'candidates' AND deleted_at IS NULL ORDER BY remote_id"
        )]  # fmt: skip
        for cand_id in rng.sample(candidates, k=min(len(candidates), max(1, len(candidates) // 100))):
            candidate = self._require(db, "candidates", cand_id)
            candidate["title"] = rng.choice(generator.TITLES)
            candidate["company"] = rng.choice(generator.COMPANIES)
            candidate["updated_at"] = now
            self._store(db, "candidates", candidate, updated_at=now)
            summary.changed += 1

        notes = [row[0] for row in db.execute(
            "SELECT remote_id FROM records WHERE model = 'notes' AND deleted_at IS NULL ORDER BY remote_id"
        )]  # fmt: skip
        for note_id in rng.sample(notes, k=min(len(notes), max(1, len(notes) // 200))):
            self._delete(db, "notes", note_id, now=now)
            summary.vanished += 1

        jobs = [doc for doc in (self._get(db, "jobs", row[0]) for row in db.execute(
            "SELECT remote_id FROM records WHERE model = 'jobs' AND deleted_at IS NULL ORDER BY remote_id"
        )) if doc is not None and doc["status"] == "OPEN"]  # fmt: skip
        for _ in range(max(1, len(candidates) // 100) if jobs else 0):
            first, last = rng.choice(generator.FIRST_NAMES), rng.choice(generator.LAST_NAMES)
            cand = self._candidate_doc(
                db,
                NewCandidate(first, last, f"{first}.{last}.{rng.randrange(10**6)}@candidates.example.com".lower()),
                source=rng.choice(generator.SOURCES),
                now=now,
            )
            self._store(db, "candidates", cand, updated_at=now)
            job = rng.choice(jobs)
            app_id = self._new_id(db, "applications")
            application = {
                "id": app_id, "candidate_id": cand["id"], "job_id": job["id"], "stage_id": job["stages"][0]["id"],
                "status": "active", "rejection_reason_id": None, "rejection_reason_name": None, "rejected_at": None,
                "hired_at": None, "source": cand["source"], "answers": [], "created_at": now, "updated_at": now,
                "url": f"https://app.sandbox-ats.example.com/applications/{app_id}", "custom_fields": {},
            }  # fmt: skip
            self._store(db, "applications", application, updated_at=now, application_id=app_id, candidate_id=cand["id"])
            summary.arrived += 1

    # -- helpers for tests, harnesses and benchmarks -----------------------------------------------

    def put(
        self,
        model: str,
        doc: dict[str, Any],
        *,
        application_id: str | None = None,
        candidate_id: str | None = None,
        updated_at: datetime | None = None,
    ) -> None:
        """Insert or replace a raw document (a record "someone created in the ATS UI")."""
        with self._write() as db:
            self._store(
                db, model, doc, updated_at=iso(updated_at) if updated_at else now_iso(),
                application_id=application_id, candidate_id=candidate_id,
            )  # fmt: skip

    def touch(self, model: str, remote_id: str, **changes: Any) -> dict[str, Any]:
        """Change fields of a record now (a recruiter edited it)."""
        with self._write() as db:
            doc = self._require(db, model, remote_id)
            now = now_iso()
            doc.update(changes)
            if "updated_at" in doc:
                doc["updated_at"] = now
            self._store(db, model, doc, updated_at=now)
            return doc

    def delete(self, model: str, remote_id: str) -> None:
        """The record vanishes from the ATS (deleted, anonymised). Deleting a candidate takes its records along."""
        with self._write() as db:
            self._require(db, model, remote_id)
            self._delete(db, model, remote_id, now=now_iso())

    def change_records(self, count: int, *, seed: int = 1) -> int:
        """Change `count` live records spread over all models (benchmarks: "1% of records changed")."""
        rng = random.Random(seed)
        with self._write() as db:
            rows = db.execute(
                "SELECT model, remote_id FROM records WHERE deleted_at IS NULL AND model != 'result_links' "
                "ORDER BY model, remote_id"
            ).fetchall()
            now = now_iso()
            chosen = rng.sample(rows, k=min(count, len(rows)))
            for model, remote_id in chosen:
                doc = self._require(db, model, remote_id)
                doc["custom_fields"] = {**(doc.get("custom_fields") or {}), "edited": now}
                if "updated_at" in doc:
                    doc["updated_at"] = now
                self._store(db, model, doc, updated_at=now)
            return len(chosen)

    # -- candidate sources (automatic attribution) ----------------------------------------------------

    def sources(self) -> list[dict[str, str]]:
        """The sandbox's source list, `[{"id", "label"}]`; the generator's sources until one is added."""
        return _sources_from(self.meta("sources"))

    def add_source(self, label: str) -> dict[str, str]:
        """Add a source (the sandbox lets its API create them); an existing exact label is returned as is."""
        with self._write() as db:
            sources = self._sources(db)
            existing = next((source for source in sources if source["label"] == label), None)
            if existing is not None:
                return existing
            source = {"id": f"src-{len(sources) + 1}", "label": label}
            self._set_meta(db, "sources", json.dumps([*sources, source]))
            return source

    def delete_source(self, source_id: str) -> None:
        """Remove a source (tests: "deleted in the ATS after setup"). Applications keep their label."""
        with self._write() as db:
            sources = [source for source in self._sources(db) if source["id"] != source_id]
            self._set_meta(db, "sources", json.dumps(sources))

    def _sources(self, db: sqlite3.Connection) -> list[dict[str, str]]:
        row = db.execute("SELECT value FROM meta WHERE key = 'sources'").fetchone()
        return _sources_from(row[0] if row else None)

    def set_api_key(self, api_key: str | None) -> None:
        """Require this key from connectors (None: the sandbox is open, as by default)."""
        with self._write() as db:
            if api_key is None:
                db.execute("DELETE FROM meta WHERE key = 'api_key'")
            else:
                self._set_meta(db, "api_key", api_key)

    def set_read_delay(self, seconds: float) -> None:
        """Every connector call takes this long (a slow ATS; tests use it to catch a sync mid-way)."""
        with self._write() as db:
            self._set_meta(db, "read_delay", str(seconds))

    def read_delay(self) -> float:
        return float(self.meta("read_delay") or 0)

    def inject_fault(self, kind: FaultKind, *, count: int = 1, retry_after: float | None = None) -> None:
        """The next `count` connector calls fail with `kind` instead of answering."""
        with self._write() as db:
            db.execute(
                "INSERT INTO faults (kind, retry_after, remaining) VALUES (?, ?, ?)", (kind.value, retry_after, count)
            )

    def clear_faults(self) -> None:
        with self._write() as db:
            db.execute("DELETE FROM faults")

    def take_fault(self) -> Fault | None:
        """Consume the next injected fault, if any (called by the connector before each call)."""
        with self._lock:
            if self._db.execute("SELECT 1 FROM faults LIMIT 1").fetchone() is None:
                return None
        with self._write() as db:
            row = db.execute("SELECT seq, kind, retry_after, remaining FROM faults ORDER BY seq LIMIT 1").fetchone()
            if row is None:
                return None
            seq, kind, retry_after, remaining = row
            if remaining <= 1:
                db.execute("DELETE FROM faults WHERE seq = ?", (seq,))
            else:
                db.execute("UPDATE faults SET remaining = remaining - 1 WHERE seq = ?", (seq,))
            return Fault(kind=FaultKind(kind), retry_after=retry_after)

    # -- internals ---------------------------------------------------------------------------------

    def _get(self, db: sqlite3.Connection, model: str, remote_id: str) -> dict[str, Any] | None:
        row = db.execute(
            "SELECT doc FROM records WHERE model = ? AND remote_id = ? AND deleted_at IS NULL", (model, remote_id)
        ).fetchone()
        return json.loads(row[0]) if row else None

    def _require(self, db: sqlite3.Connection, model: str, remote_id: str) -> dict[str, Any]:
        doc = self._get(db, model, remote_id)
        if doc is None:
            raise ConnectorNotFound(
                f"{model[:-1].replace('_', ' ').capitalize()} {remote_id} does not exist.", status_code=404
            )
        return doc

    def _application_and_job(
        self, db: sqlite3.Connection, application_id: str
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        application = self._require(db, "applications", application_id)
        job = self._get(db, "jobs", application["job_id"])
        if job is None:
            raise ConnectorNotFound(f"The job of application {application_id} no longer exists.", status_code=404)
        return application, job

    def _store(
        self,
        db: sqlite3.Connection,
        model: str,
        doc: dict[str, Any],
        *,
        updated_at: str,
        application_id: str | None = None,
        candidate_id: str | None = None,
    ) -> None:
        existing = db.execute(
            "SELECT application_id, candidate_id FROM records WHERE model = ? AND remote_id = ?", (model, doc["id"])
        ).fetchone()
        if existing is not None:
            application_id = application_id or existing[0]
            candidate_id = candidate_id or existing[1]
        db.execute(
            "INSERT INTO records (model, remote_id, updated_at, deleted_at, application_id, candidate_id, lookup, doc) "
            "VALUES (?, ?, ?, NULL, ?, ?, ?, ?) ON CONFLICT (model, remote_id) DO UPDATE SET "
            "updated_at = excluded.updated_at, deleted_at = NULL, application_id = excluded.application_id, "
            "candidate_id = excluded.candidate_id, lookup = excluded.lookup, doc = excluded.doc",
            (model, doc["id"], updated_at, application_id, candidate_id, _lookup(model, doc),
             json.dumps(doc, separators=(",", ":"))),
        )  # fmt: skip

    def _delete(self, db: sqlite3.Connection, model: str, remote_id: str, *, now: str) -> None:
        db.execute(
            "UPDATE records SET deleted_at = ?, updated_at = ? "
            "WHERE model = ? AND remote_id = ? AND deleted_at IS NULL",
            (now, now, model, remote_id),
        )
        if model == "candidates":
            db.execute(
                "UPDATE records SET deleted_at = ?, updated_at = ? WHERE candidate_id = ? AND deleted_at IS NULL",
                (now, now, remote_id),
            )
        elif model == "applications":
            db.execute(
                "UPDATE records SET deleted_at = ?, updated_at = ? WHERE application_id = ? AND deleted_at IS NULL "
                "AND model IN ('offers', 'interviews', 'scorecards')",
                (now, now, remote_id),
            )

    def _find_candidate(self, db: sqlite3.Connection, email: str) -> str | None:
        row = db.execute(
            "SELECT remote_id FROM records WHERE model = 'candidates' AND lookup = ? AND deleted_at IS NULL "
            "ORDER BY remote_id LIMIT 1",
            (email.strip().casefold(),),
        ).fetchone()
        return row[0] if row else None

    def _tag_id(self, db: sqlite3.Connection, name: str) -> str | None:
        row = db.execute(
            "SELECT remote_id FROM records WHERE model = 'tags' AND lookup = ? AND deleted_at IS NULL LIMIT 1",
            (name.strip().casefold(),),
        ).fetchone()
        return row[0] if row else None

    def _candidate_doc(
        self, db: sqlite3.Connection, candidate: NewCandidate, *, source: str | None, now: str
    ) -> dict[str, Any]:
        cand_id = self._new_id(db, "candidates")
        emails = [{"address": candidate.email_address, "type": "PERSONAL"}] + [
            {"address": address, "type": kind} for kind, address in candidate.additional_email_addresses
        ]
        phones = ([{"number": candidate.phone_number, "type": "MOBILE"}] if candidate.phone_number else []) + [
            {"number": number, "type": kind} for kind, number in candidate.additional_phone_numbers
        ]
        location = None
        if candidate.location:
            location = {
                key: candidate.location.get(key) for key in ("city", "country", "state", "street_1", "zip_code")
            }
            location["street_2"], location["raw"] = None, None
        salary = None
        if candidate.salary_expectation is not None:
            salary = {"period": candidate.salary_expectation[0], "amount": candidate.salary_expectation[1]}
        return {
            "id": cand_id, "first_name": candidate.first_name, "last_name": candidate.last_name,
            "company": candidate.company, "title": candidate.title, "source": source, "confidential": False,
            "emails": emails, "phones": phones,
            "social": [{"link": link, "type": None, "username": None} for link in candidate.social_links],
            "location": location, "tags": [], "created_at": now, "updated_at": now,
            "url": f"https://app.sandbox-ats.example.com/candidates/{cand_id}",
            "custom_fields": {}, "gender": candidate.gender,
            "availability_date": candidate.availability_date.isoformat() if candidate.availability_date else None,
            "salary_expectation": salary,
        }  # fmt: skip

    def _answers(self, job: dict[str, Any], given: Mapping[str, Any]) -> list[dict[str, Any]]:
        questions = {question["id"]: question for question in job["screening_questions"]}
        answers = []
        for question_id, value in given.items():
            question = questions.get(question_id)
            if question is None:
                raise ConnectorInputError(
                    f"Question {question_id} is not a question of job {job['id']}.", status_code=400
                )
            kind = question["format"]["type"]
            if kind in ("SINGLE_SELECT", "MULTI_SELECT"):
                names = {option["id"]: option["name"] for option in question["format"]["options"]}
                chosen = value if isinstance(value, list) else [value]
                if any(option not in names for option in chosen):
                    raise ConnectorInputError(f"Question {question_id}: unknown option.", status_code=400)
                value = [names[option] for option in chosen] if kind == "MULTI_SELECT" else names[chosen[0]]
            elif kind == "FILE" and isinstance(value, NewAttachment):
                value = {"name": value.name, "content_type": value.content_type, "size": len(value.data)}
            elif isinstance(value, datetime | date):
                value = value.isoformat()
            answers.append({"question_id": question_id, "title": question["title"], "type": kind, "value": value})
        return answers

    def _note(
        self,
        db: sqlite3.Connection,
        application: dict[str, Any],
        *,
        content: str,
        author_id: str | None,
        now: str,
        title: str | None,
    ) -> dict[str, Any]:
        author = self._get(db, "users", author_id) if author_id else None
        note = {
            "id": self._new_id(db, "notes"), "candidate_id": application["candidate_id"],
            "application_id": application["id"], "author_id": author_id,
            "author": ({"first_name": author["first_name"], "last_name": author["last_name"], "email": author["email"]}
                       if author else None),
            "title": title, "content_html": _plain_to_html(content), "private": False,
            "created_at": now, "updated_at": now,
        }  # fmt: skip
        self._store(
            db,
            "notes",
            note,
            updated_at=now,
            application_id=application["id"],
            candidate_id=application["candidate_id"],
        )
        return note

    def _attachment(
        self,
        db: sqlite3.Connection,
        attachment: NewAttachment,
        *,
        candidate_id: str,
        application_id: str | None,
        now: str,
    ) -> dict[str, Any]:
        doc = {
            "id": self._new_id(db, "attachments"), "candidate_id": candidate_id, "application_id": application_id,
            "file_name": attachment.name, "type": attachment.type, "content_type": attachment.content_type,
            "created_at": now, "updated_at": now,
        }  # fmt: skip
        db.execute("INSERT INTO blobs (remote_id, content) VALUES (?, ?)", (doc["id"], attachment.data))
        self._store(db, "attachments", doc, updated_at=now, application_id=application_id, candidate_id=candidate_id)
        return doc

    def _offer(self, db: sqlite3.Connection, application: dict[str, Any], *, status: str, now: str) -> None:
        row = db.execute(
            "SELECT remote_id FROM records WHERE model = 'offers' AND application_id = ? AND deleted_at IS NULL "
            "ORDER BY remote_id LIMIT 1",
            (application["id"],),
        ).fetchone()
        offer = self._get(db, "offers", row[0]) if row else None
        if offer is None:
            start = (datetime.fromisoformat(now) + timedelta(days=45)).strftime("%Y-%m-%dT00:00:00.000000Z")
            offer = {
                "id": self._new_id(db, "offers"), "application_id": application["id"], "start_date": start,
                "created_at": now, "custom_fields": {},
            }  # fmt: skip
        offer["status"], offer["updated_at"] = status, now
        self._store(
            db, "offers", offer, updated_at=now, application_id=application["id"],
            candidate_id=application["candidate_id"],
        )  # fmt: skip

    def _interview(
        self, db: sqlite3.Connection, application: dict[str, Any], job: dict[str, Any], *, rng: random.Random, now: str
    ) -> None:
        start = datetime.fromisoformat(now) + timedelta(days=rng.randint(1, 7))
        interview = {
            "id": self._new_id(db, "interviews"), "application_id": application["id"],
            "stage_id": job["stages"][INTERVIEW_STAGE_INDEX]["id"], "title": "Interview", "start": iso(start),
            "end": iso(start + timedelta(hours=1)), "location": None,
            "video_url": "https://meet.sandbox-ats.example.com/new", "canceled": False,
            "user_ids": [member["user_id"] for member in job["hiring_team"][:2]], "created_at": now,
            "updated_at": now,
        }  # fmt: skip
        self._store(
            db, "interviews", interview, updated_at=now, application_id=application["id"],
            candidate_id=application["candidate_id"],
        )  # fmt: skip


def _sources_from(raw: str | None) -> list[dict[str, str]]:
    if raw is None:
        return [{"id": f"src-{index + 1}", "label": label} for index, label in enumerate(generator.SOURCES)]
    return json.loads(raw)


def _collect_blobs(rows: Iterator[generator.Row], blobs: list[tuple[str, bytes]]) -> Iterator[generator.Row]:
    for row in rows:
        if row.blob is not None:
            blobs.append((row.remote_id, row.blob))
        yield row


def _lookup(model: str, doc: Mapping[str, Any]) -> str | None:
    """The indexed lookup value: a candidate's primary email, a tag's name (both case-insensitive)."""
    if model == "candidates" and doc.get("emails"):
        return str(doc["emails"][0]["address"]).strip().casefold()
    if model == "tags" and doc.get("name"):
        return str(doc["name"]).strip().casefold()
    return None


def _plain_to_html(text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "".join(f"<p>{line}</p>" for line in escaped.splitlines() or [""])


def encode_key(key: tuple[str, ...]) -> str:
    """An opaque cursor for a listing key."""
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


def decode_key(cursor: str) -> tuple[str, ...]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error):
        raise ConnectorInputError(f"Invalid cursor {cursor!r}.") from None
    if not isinstance(value, list) or not value or not all(isinstance(part, str) for part in value):
        raise ConnectorInputError(f"Invalid cursor {cursor!r}.")
    return tuple(value)
