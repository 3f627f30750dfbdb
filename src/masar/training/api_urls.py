from django.urls import path

from masar.training import api

urlpatterns = [
    path("training/courses/", api.CourseListApi.as_view(), name="training-course-list"),
    path(
        "training/sessions/<int:session_id>/enrolments/",
        api.SessionEnrolmentsApi.as_view(),
        name="training-session-enrolments",
    ),
    path(
        "training/sessions/<int:session_id>/attendance/",
        api.SessionAttendanceApi.as_view(),
        name="training-session-attendance",
    ),
    path(
        "training/sessions/<int:session_id>/scores/",
        api.SessionScoresApi.as_view(),
        name="training-session-scores",
    ),
    path(
        "training/sessions/<int:session_id>/sheet/",
        api.SessionSheetImportApi.as_view(),
        name="training-session-sheet",
    ),
    path(
        "training/sessions/<int:session_id>/close/",
        api.SessionCloseApi.as_view(),
        name="training-session-close",
    ),
    path(
        "training/enrolments/<int:enrolment_id>/cancel/",
        api.EnrolmentCancelApi.as_view(),
        name="training-enrolment-cancel",
    ),
    path(
        "training/certificates/<str:code>/",
        api.CertificateVerifyApi.as_view(),
        name="training-certificate-verify",
    ),
]
