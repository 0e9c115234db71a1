"""The sandbox store's passing of time and its candidate sources (mixed into `SandboxStore`)."""

from __future__ import annotations

import json
import random
import sqlite3

from apps.connectors.sandbox import generator
from apps.connectors.sandbox.generator import (
    HIRED_STAGE_INDEX,
    INTERVIEW_STAGE_INDEX,
    OFFER_STAGE_INDEX,
    REJECTION_REASONS,
)
from apps.connectors.sandbox.records import (
    AdvanceSummary,
    Fault,
    FaultKind,
    NewCandidate,
    _sources_from,
    now_iso,
)


class StoreTime:
    """`advance` (applications move on, records change, vanish, arrive) and the source list."""

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
