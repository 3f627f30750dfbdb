from django.urls import path

from masar.visas import lists, views

app_name = "visas"

urlpatterns = [
    path("track/", views.track, name="track"),
    path("visas/decisions/", views.decision_queue, name="queue"),
    path("visas/", lists.visas, name="visas"),
    path("visas/groups/<int:group_id>/archive/", lists.group_archive, name="group-archive"),
    path("visas/archives/<int:archive_id>/", lists.archive_detail, name="archive"),
    path("visas/archives/<int:archive_id>/file/", lists.archive_file, name="archive-file"),
    path("visas/<str:number>/", views.visa_detail, name="visa"),
]
