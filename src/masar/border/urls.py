from django.urls import URLPattern, URLResolver

app_name = "border"

urlpatterns: list[URLPattern | URLResolver] = []
