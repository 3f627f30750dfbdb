from django.urls import path

from masar.screening import views

app_name = "screening"

urlpatterns = [
    path("screening/", views.queue, name="queue"),
    path("screening/reviews/<int:review_id>/", views.review_detail, name="review"),
    path("screening/watchlists/", views.watchlists, name="watchlists"),
    path(
        "screening/watchlists/<int:watchlist_id>/",
        views.watchlist_detail,
        name="watchlist",
    ),
    path(
        "screening/watchlists/<int:watchlist_id>/imports/<int:import_id>/",
        views.import_status,
        name="import_status",
    ),
]
