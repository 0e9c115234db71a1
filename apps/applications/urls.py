from __future__ import annotations

from django.urls import path

from apps.applications import apis, write_apis

urlpatterns = [
    path("ats/jobs", apis.JobsApi.as_view(), name="ats-jobs"),
    path("ats/applications", apis.ApplicationsApi.as_view(), name="ats-applications"),
    path("ats/candidates", write_apis.CandidatesApi.as_view(), name="ats-candidates"),
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
    # The write path (§5) and the live attachment lists (§4.6).
    path(
        "ats/jobs/<str:job_id>/applications",
        write_apis.CreateApplicationApi.as_view(),
        name="ats-create-application",
    ),
    path(
        "ats/import-tracked-application",
        write_apis.ImportTrackedApplicationApi.as_view(),
        name="ats-import-tracked-application",
    ),
    path(
        "ats/applications/<str:application_id>/stage",
        write_apis.MoveApplicationStageApi.as_view(),
        name="ats-application-stage",
    ),
    path(
        "ats/applications/<str:application_id>/reject",
        write_apis.RejectApplicationApi.as_view(),
        name="ats-application-reject",
    ),
    path(
        "ats/applications/<str:application_id>/notes",
        write_apis.AddApplicationNoteApi.as_view(),
        name="ats-application-notes",
    ),
    path(
        "ats/applications/<str:application_id>/attachments",
        write_apis.AddApplicationAttachmentApi.as_view(),
        name="ats-application-attachments",
    ),
    path(
        "ats/applications/<str:application_id>/result-links",
        write_apis.AddApplicationResultLinkApi.as_view(),
        name="ats-application-result-links",
    ),
    path(
        "ats/candidates/<str:candidate_id>/attachments",
        write_apis.AddCandidateAttachmentApi.as_view(),
        name="ats-candidate-attachments",
    ),
    path(
        "ats/candidates/<str:candidate_id>/result-links",
        write_apis.AddCandidateResultLinkApi.as_view(),
        name="ats-candidate-result-links",
    ),
    path("ats/candidates/<str:candidate_id>/tags", write_apis.CandidateTagsApi.as_view(), name="ats-candidate-tags"),
    path(
        "ats/attachment-downloads/<str:token>",
        write_apis.AttachmentDownloadApi.as_view(),
        name="ats-attachment-download",
    ),
]
