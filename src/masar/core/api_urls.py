from django.urls import path

from masar.core.api import audit as api

urlpatterns = [
    path("audit/", api.AuditListApi.as_view(), name="audit-list"),
]
