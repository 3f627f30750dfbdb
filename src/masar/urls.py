"""Masar's URL map: the REST API under /api/v1/, the pages at the root."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

api_v1: list[URLPattern | URLResolver] = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include("masar.accounts.api_urls")),
    path("", include("masar.operators.api_urls")),
    path("", include("masar.seasons.api_urls")),
    path("", include("masar.integration.api_urls")),
    path("", include("masar.applications.api_urls")),
    path("", include("masar.photos.api_urls")),
    path("", include("masar.screening.api_urls")),
    path("", include("masar.training.api_urls")),
    path("", include("masar.visas.api_urls")),
    path("", include("masar.border.api_urls")),
    path("", include("masar.lodging.api_urls")),
    path("", include("masar.whereabouts.api_urls")),
    path("", include("masar.compliance.api_urls")),
    path("", include("masar.reporting.api_urls")),
    path("", include("masar.core.api_urls")),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("masar.core.urls")),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("masar.accounts.urls")),
    path("", include("masar.applications.urls")),
    path("", include("masar.photos.urls")),
    path("", include("masar.integration.urls")),
    path("", include("masar.screening.urls")),
    path("", include("masar.training.urls")),
    path("", include("masar.visas.urls")),
    path("", include("masar.border.urls")),
    path("", include("masar.lodging.urls")),
    path("", include("masar.whereabouts.urls")),
    path("", include("masar.compliance.urls")),
    path("", include("masar.reporting.urls")),
    path("", include("masar.web.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
