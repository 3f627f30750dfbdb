from django.urls import path

from masar.integration import views

app_name = "integration"

urlpatterns = [
    path("integration/", views.service_accounts, name="home"),
    path("integration/accounts/<int:user_id>/", views.service_account_detail, name="account"),
    path("integration/webhooks/<int:webhook_id>/deliveries/", views.deliveries, name="deliveries"),
    path("integration/webhooks/<int:webhook_id>/test/", views.send_test, name="test"),
    path("integration/webhooks/<int:webhook_id>/enable/", views.enable, name="enable"),
]
