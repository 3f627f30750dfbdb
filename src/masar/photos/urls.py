from django.urls import path

from masar.photos import views

app_name = "photos"

urlpatterns = [
    path("pilgrims/<int:pilgrim_id>/photo/", views.pilgrim_photo, name="pilgrim"),
    path("pilgrims/<int:pilgrim_id>/photo/portrait.jpg", views.portrait_image, name="portrait"),
    path("groups/<int:group_id>/photos/", views.group_photos, name="group"),
    path("photos/archives/<int:batch_id>/", views.batch_detail, name="batch"),
]
