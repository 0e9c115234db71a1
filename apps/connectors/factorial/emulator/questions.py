"""Factorial emulator: screening questions, answers and feedbacks."""

from __future__ import annotations

from apps.connectors.emulation.http import Request, Response
from apps.connectors.factorial.emulator import render
from apps.connectors.factorial.emulator.model import path_id
from apps.connectors.factorial.emulator.params import (
    _ids,
    _page,
    _single_id,
)


class QuestionsApi:
    """Handlers of `ats/questions`, `ats/answers` and `ats/feedbacks` (mixed into the emulator)."""

    # ------------------------------------------------------------------ questions and answers
    def questions_list(self, request: Request) -> Response:
        ids, jobs = _ids(request, "ids"), _ids(request, "ats_job_posting_ids")
        items = [
            question
            for question in self.state.questions.values()
            if (ids is None or question.id in ids) and (jobs is None or question.job_posting_id in jobs)
        ]
        return _page(request, items, render.question)

    def questions_get(self, request: Request) -> Response:
        return Response.json(render.question(self.state.question(path_id(request.path_params["id"], "Ats::Question"))))

    def questions_create(self, request: Request) -> Response:
        return Response.json(render.question(self.state.create_question(request.json_object())), 201)

    def questions_update(self, request: Request) -> Response:
        question = self.state.question(path_id(request.path_params["id"], "Ats::Question"))
        return Response.json(render.question(self.state.update_question(question, request.json_object())))

    def questions_delete(self, request: Request) -> Response:
        question_id = path_id(request.path_params["id"], "Ats::Question")
        return Response.json(render.question(self.state.delete_question(question_id)))

    def answers_list(self, request: Request) -> Response:
        ids, applications = _ids(request, "ids"), _ids(request, "ats_application_ids")
        items = [
            answer
            for answer in self.state.answers.values()
            if (ids is None or answer.id in ids) and (applications is None or answer.application_id in applications)
        ]
        return _page(request, items, lambda answer: render.answer(answer, request.base_url))

    def answers_get(self, request: Request) -> Response:
        answer = self.state.answer(path_id(request.path_params["id"], "Ats::Answer"))
        return Response.json(render.answer(answer, request.base_url))

    def answers_create(self, request: Request) -> Response:
        answer = self.state.create_answer(request.json_object())
        return Response.json(render.answer(answer, request.base_url), 201)

    # ------------------------------------------------------------------ feedbacks
    def feedbacks_list(self, request: Request) -> Response:
        ids, applications = _ids(request, "ids"), _ids(request, "ats_application_ids")
        candidate = _single_id(request, "ats_candidate_id")
        items = [
            feedback
            for feedback in self.state.feedbacks.values()
            if (ids is None or feedback.id in ids)
            and (applications is None or feedback.application_id in applications)
            and (candidate is None or feedback.candidate_id == candidate)
        ]
        return _page(request, items, render.feedback)

    def feedbacks_get(self, request: Request) -> Response:
        return Response.json(render.feedback(self.state.feedback(path_id(request.path_params["id"], "Ats::Feedback"))))

    def feedbacks_create(self, request: Request) -> Response:
        return Response.json(render.feedback(self.state.create_feedback(request.json_object())), 201)

    def feedbacks_update(self, request: Request) -> Response:
        feedback = self.state.feedback(path_id(request.path_params["id"], "Ats::Feedback"))
        return Response.json(render.feedback(self.state.update_feedback(feedback, request.json_object())))

    def feedbacks_delete(self, request: Request) -> Response:
        feedback_id = path_id(request.path_params["id"], "Ats::Feedback")
        return Response.json(render.feedback(self.state.delete_feedback(feedback_id)))
