from django.urls import path

from masar.accounts import views

app_name = "accounts"

urlpatterns = [
    path("account/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/people/", views.people, name="people"),
]
