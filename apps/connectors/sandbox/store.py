"""The sandbox ATS's state: one SQLite file per sandbox (WAL mode), JSON documents, shared by all processes.

The web process, the workers and `manage.py sandbox advance` open the same file, so a candidate created
through the API, a sync and the passing of time all see one ATS. The file survives restarts; it is seeded
once, deterministically, when first opened.

Reading (`list`, `get`, `blob`) is what the connector's readers use. The write methods are the sandbox's
side of every write action of the contract; connector methods call them. Test and benchmark helpers
(`put`, `touch`, `delete`, `change_records`, faults) sit at the end.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from apps.connectors.errors import (
    ConnectorInputError,
    ConnectorNotFound,
)
from apps.connectors.sandbox import generator
from apps.connectors.sandbox.generator import (
    DEFAULT_RECORDS,
    DEFAULT_SEED,
    INTERVIEW_STAGE_INDEX,
    SandboxSize,
    iso,
)
from apps.connectors.sandbox.records import (
    AdvanceSummary,
    CreatedApplication,
    Fault,
    FaultKind,
    Listing,
    NewAttachment,
    NewCandidate,
    _lookup,
    _plain_to_html,
    decode_key,
    encode_key,
    now_iso,
    parse_iso,
)
from apps.connectors.sandbox.store_time import StoreTime
from apps.connectors.sandbox.store_writes import StoreWrites

# The store's public names, its value types (now in `records.py`) included: callers import them from here.
__all__ = [
    "AdvanceSummary",
    "CreatedApplication",
    "Fault",
    "FaultKind",
    "Listing",
    "NewAttachment",
    "NewCandidate",
    "SandboxStore",
    "decode_key",
    "encode_key",
    "forget_store",
    "now_iso",
    "open_store",
    "parse_iso",
]

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


class SandboxStore(StoreWrites, StoreTime):
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


def _collect_blobs(rows: Iterator[generator.Row], blobs: list[tuple[str, bytes]]) -> Iterator[generator.Row]:
    for row in rows:
        if row.blob is not None:
            blobs.append((row.remote_id, row.blob))
        yield row
