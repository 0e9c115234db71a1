"""Greenhouse reads: one page reader per model over Harvest v3 lists (`updated_at=gt|…` deltas, `ids` reads).

Deletions are reported by webhooks only (A7, no deleted-list endpoint): `reports_deletions = False`, a FULL sync
finds what vanished.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import Page, RemoteRecord
from apps.connectors.errors import ConnectorPermissionError
from apps.connectors.greenhouse import mapping
from apps.connectors.kit import Reader, ReadQuery
from apps.core.timeutils import format_datetime

Raw = dict[str, Any]


class GreenhouseReads:
    """The read side of `GreenhouseConnector` (mixed in)."""

    client: Any
    _catalogues: dict[str, dict[str, Raw]]

    def readers(self) -> Mapping[ReadModel, Reader]:
        return {
            ReadModel.USERS: self._read_users,
            ReadModel.ROLES: self._simple("/user_roles", mapping.role),
            ReadModel.REJECTION_REASONS: self._simple("/rejection_reasons", mapping.rejection_reason),
            ReadModel.TAGS: self._simple("/candidate_tags", mapping.tag),
            ReadModel.JOBS: self._read_jobs,
            ReadModel.CANDIDATES: self._simple("/candidates", mapping.candidate),
            ReadModel.APPLICATIONS: self._read_applications,
            ReadModel.NOTES: self._simple("/notes", mapping.note),
            ReadModel.ATTACHMENTS: self._simple("/attachments", mapping.attachment),
            ReadModel.APPLICATION_STAGES: self._simple("/job_interview_stages", mapping.application_stage),
            ReadModel.OFFERS: self._simple("/offers", mapping.offer),
            ReadModel.INTERVIEWS: self._read_interviews,
            ReadModel.SCORECARDS: self._read_scorecards,
        }

    def catalogue(self, path: str) -> dict[str, Raw]:
        """Sources / rejection reasons by id, read once per connector instance."""
        if path not in self._catalogues:
            self._catalogues[path] = {str(row["id"]): row for row in self.client.list_all(path)}
        return self._catalogues[path]

    def _rows(self, path: str, q: ReadQuery, **params: Any) -> tuple[list[Raw], str | None]:
        if q.remote_ids is not None:
            return self.client.list_by_ids(path, list(q.remote_ids), **params), None
        if q.updated_since is not None and not q.cursor:
            params["updated_at"] = f"gt|{format_datetime(q.updated_since)}"
        return self.client.list_page(path, params, q.cursor)

    def _simple(self, path: str, convert: Callable[[Raw], RemoteRecord]) -> Reader:
        def read(q: ReadQuery) -> Page[RemoteRecord]:
            rows, cursor = self._rows(path, q)
            return Page(items=[convert(row) for row in rows], next_cursor=cursor)

        return read

    def _read_users(self, q: ReadQuery) -> Page[RemoteRecord]:
        rows, cursor = self._rows("/users", q)
        roles: dict[str, Raw] = {}
        if any(r.get("site_admin") for r in rows):
            try:
                roles = self.catalogue("/user_roles")
            except ConnectorPermissionError:  # without harvest:user_roles:list the role has no id, only its name
                roles = {}
        site_admin = next((r for r in roles.values() if r.get("role_type") == "site_admin"), None)
        return Page(items=[mapping.user(row, site_admin_role=site_admin) for row in rows], next_cursor=cursor)

    def _read_jobs(self, q: ReadQuery) -> Page[RemoteRecord]:
        rows, cursor = self._rows("/jobs", q)
        ids = [str(row["id"]) for row in rows]
        stages = self.client.list_by_ids("/job_interview_stages", ids, name="job_ids") if ids else []
        posts = self.client.list_by_ids("/job_posts", ids, name="job_ids") if ids else []
        items: list[RemoteRecord] = [
            mapping.job(
                row,
                stages=[s for s in stages if s.get("job_id") == row["id"]],
                posts=[p for p in posts if p.get("job_id") == row["id"]],
            )
            for row in rows
        ]
        return Page(items=items, next_cursor=cursor)

    def _read_applications(self, q: ReadQuery) -> Page[RemoteRecord]:
        rows, cursor = self._rows("/applications", q)
        reasons = self.catalogue("/rejection_reasons") if any(r.get("rejection_reason_id") for r in rows) else {}
        sources = self.catalogue("/sources") if any(r.get("source_id") for r in rows) else {}
        items: list[RemoteRecord] = [mapping.application(row, reasons=reasons, sources=sources) for row in rows]
        return Page(items=items, next_cursor=cursor)

    def _read_interviews(self, q: ReadQuery) -> Page[RemoteRecord]:
        rows, cursor = self._rows("/interviews", q)
        ids = [str(row["id"]) for row in rows]
        interviewers = self.client.list_by_ids("/interviewers", ids, name="interview_ids") if ids else []
        steps = self.catalogue("/job_interviews") if rows else {}
        items: list[RemoteRecord] = [
            mapping.interview(
                row,
                interviewers=[i for i in interviewers if i.get("interview_id") == row["id"]],
                step=steps.get(str(row.get("job_interview_id"))),
            )
            for row in rows
        ]
        return Page(items=items, next_cursor=cursor)

    def _read_scorecards(self, q: ReadQuery) -> Page[RemoteRecord]:
        """v3 scorecards name the application only: its candidate comes from `GET /v3/applications?ids=`, its
        interview from the `interviewer` row whose `scorecard_id` is the scorecard's."""
        rows, cursor = self._rows("/scorecards", q)
        application_ids = sorted({str(row["application_id"]) for row in rows if row.get("application_id") is not None})
        applications = self.client.list_by_ids("/applications", application_ids) if application_ids else []
        candidates = {str(a["id"]): str(a["candidate_id"]) for a in applications}
        interviews = self.client.list_by_ids("/interviews", application_ids, name="application_ids") if rows else []
        interview_ids = [str(i["id"]) for i in interviews]
        interviewers = (
            self.client.list_by_ids("/interviewers", interview_ids, name="interview_ids") if interview_ids else []
        )
        interview_of = {str(i["scorecard_id"]): str(i["interview_id"]) for i in interviewers if i.get("scorecard_id")}
        answers = self._scorecard_answers([str(row["id"]) for row in rows])
        items: list[RemoteRecord] = [
            mapping.scorecard(
                row,
                candidate_id=candidates.get(str(row.get("application_id"))),
                interview_id=interview_of.get(str(row["id"])),
                answers=answers.get(str(row["id"]), ()),
            )
            for row in rows
        ]
        return Page(items=items, next_cursor=cursor)

    def _scorecard_answers(self, card_ids: list[str]) -> dict[str, tuple[Any, ...]]:
        """Per scorecard, its question answers in question order (GH-V3-SPEC `scorecard_question_answer` with the
        question, and for selects the chosen `scorecard_question_answer_option`s). Without the permissions for
        these lists the scorecards are read without them."""
        if not card_ids:
            return {}
        try:
            answers = self.client.list_by_ids("/scorecard_question_answers", card_ids, name="scorecard_ids")
            question_ids = sorted({str(a["scorecard_question_id"]) for a in answers})
            questions = (
                {str(q["id"]): q for q in self.client.list_by_ids("/scorecard_questions", question_ids)}
                if question_ids else {}
            )  # fmt: skip
            selects = [qid for qid, q in questions.items() if q.get("answer_type") in mapping.SELECT_TYPES]
            options = (
                self.client.list_by_ids("/scorecard_question_options", selects, name="scorecard_question_ids")
                if selects else []
            )  # fmt: skip
            select_answers = [str(a["id"]) for a in answers if str(a["scorecard_question_id"]) in selects]
            chosen = (
                self.client.list_by_ids(
                    "/scorecard_question_answer_options", select_answers, name="scorecard_question_answer_ids"
                )
                if select_answers else []
            )  # fmt: skip
        except ConnectorPermissionError:
            return {}
        picked: dict[str, list[str]] = {}
        for row in chosen:
            picked.setdefault(str(row["scorecard_question_answer_id"]), []).append(
                str(row["scorecard_question_option_id"])
            )
        result: dict[str, list[tuple[int, Any]]] = {}
        for answer in answers:
            question = questions.get(str(answer["scorecard_question_id"]))
            if question is None:
                continue
            own = [o for o in options if str(o.get("scorecard_question_id")) == str(question["id"])]
            response = mapping.question_response(question, answer, own, picked.get(str(answer["id"]), []))
            result.setdefault(str(answer["scorecard_id"]), []).append((question.get("sort_order") or 0, response))
        return {card: tuple(r for _, r in sorted(rs, key=lambda pair: pair[0])) for card, rs in result.items()}
