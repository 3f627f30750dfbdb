from django.urls import path

from masar.photos import api

urlpatterns = [
    path("pilgrims/<int:pilgrim_id>/photo/", api.PilgrimPhotoApi.as_view(), name="pilgrim-photo"),
    path(
        "pilgrims/<int:pilgrim_id>/photo/accept/",
        api.PilgrimPhotoAcceptApi.as_view(),
        name="pilgrim-photo-accept",
    ),
    path(
        "groups/<int:group_id>/photo-archives/",
        api.GroupPhotoBatchApi.as_view(),
        name="group-photo-archives",
    ),
    path(
        "photo-archives/<int:batch_id>/",
        api.PhotoBatchDetailApi.as_view(),
        name="photo-archive-detail",
    ),
]
