from __future__ import annotations

from django.urls import path

from apps.applications import apis

urlpatterns = [
    path("ats/jobs", apis.JobsApi.as_view(), name="ats-jobs"),
    path("ats/applications", apis.ApplicationsApi.as_view(), name="ats-applications"),
    path("ats/candidates", apis.CandidatesApi.as_view(), name="ats-candidates"),
    path("ats/tags", apis.TagsApi.as_view(), name="ats-tags"),
    path("ats/application-stages", apis.ApplicationStagesApi.as_view(), name="ats-application-stages"),
    path("ats/users", apis.UsersApi.as_view(), name="ats-users"),
    path("ats/roles", apis.RolesApi.as_view(), name="ats-roles"),
    path("ats/offers", apis.OffersApi.as_view(), name="ats-offers"),
    path("ats/rejection-reasons", apis.RejectionReasonsApi.as_view(), name="ats-rejection-reasons"),
    path("ats/interviews", apis.InterviewsApi.as_view(), name="ats-interviews"),
    path("ats/notes", apis.NotesApi.as_view(), name="ats-notes"),
    path("ats/scorecards", apis.ScorecardsApi.as_view(), name="ats-scorecards"),
    path("ats/attachments", apis.AttachmentsApi.as_view(), name="ats-attachments"),
]
