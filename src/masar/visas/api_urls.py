from django.urls import path

from masar.visas import api

urlpatterns = [
    path("track/", api.TrackApi.as_view(), name="track"),
    path("track/document.pdf", api.TrackDocumentApi.as_view(), name="track-document"),
    path("keys/", api.KeysApi.as_view(), name="visa-keys"),
    path("revocations/", api.RevocationsApi.as_view(), name="visa-revocations"),
    path("visas/verify/", api.VerifyApi.as_view(), name="visa-verify"),
    path("visas/decisions/", api.DecisionQueueApi.as_view(), name="visa-decisions"),
    path("visas/decisions/bulk/", api.BulkDecisionApi.as_view(), name="visa-decisions-bulk"),
    path("visas/decisions/stats/", api.DecisionStatsApi.as_view(), name="visa-decision-stats"),
    path(
        "visas/decisions/<int:application_id>/",
        api.DecisionApi.as_view(),
        name="visa-decision",
    ),
    path("visas/issuance-jobs/", api.IssuanceJobListApi.as_view(), name="visa-issuance-jobs"),
    path(
        "visas/issuance-jobs/<int:job_id>/",
        api.IssuanceJobDetailApi.as_view(),
        name="visa-issuance-job",
    ),
    path("visas/", api.VisaListApi.as_view(), name="visa-list"),
    path("visas/<str:number>/", api.VisaDetailApi.as_view(), name="visa-detail"),
    path("visas/<str:number>/seal/", api.VisaSealApi.as_view(), name="visa-seal"),
    path("visas/<str:number>/document.pdf", api.VisaDocumentApi.as_view(), name="visa-pdf"),
    path("visas/<str:number>/qr.svg", api.VisaQrApi.as_view(), name="visa-qr"),
    path("visas/<str:number>/cancel/", api.VisaCancelApi.as_view(), name="visa-cancel"),
]
