from django.urls import path

from masar.visas import views

app_name = "visas"

urlpatterns = [
    path("track/", views.track, name="track"),
    path("visas/decisions/", views.decision_queue, name="queue"),
    path("visas/<str:number>/", views.visa_detail, name="visa"),
]
