from django.urls import path

from masar.training import views

app_name = "training"

urlpatterns = [
    path("training/", views.catalogue, name="catalogue"),
    path("training/sessions/<int:session_id>/", views.session_detail, name="session"),
    path("training/sessions/<int:session_id>/enrol/", views.session_enrol, name="session-enrol"),
    path(
        "training/enrolments/<int:enrolment_id>/cancel/",
        views.enrolment_cancel,
        name="enrolment-cancel",
    ),
    path("training/mine/", views.my_training, name="mine"),
    path("training/trainer/", views.trainer_sessions, name="trainer-sessions"),
    path(
        "training/trainer/sessions/<int:session_id>/",
        views.trainer_session,
        name="trainer-session",
    ),
    path("training/dashboard/", views.dashboard, name="dashboard"),
    path(
        "training/certificates/<str:code>/pdf/",
        views.certificate_download,
        name="certificate-pdf",
    ),
    # The address printed in the certificate's QR code: public, no sign-in.
    path("verify/certificate/<str:code>", views.verify_certificate, name="verify"),
    path("verify/certificate/<str:code>/", views.verify_certificate),
]
