from django.urls import path

from masar.screening.api import match, reviews, watchlists

urlpatterns = [
    path("watchlists/", watchlists.WatchlistListApi.as_view(), name="watchlist-list"),
    path(
        "watchlists/<int:watchlist_id>/",
        watchlists.WatchlistDetailApi.as_view(),
        name="watchlist-detail",
    ),
    path(
        "watchlists/<int:watchlist_id>/imports/",
        watchlists.WatchlistImportListApi.as_view(),
        name="watchlist-import-list",
    ),
    path(
        "watchlists/<int:watchlist_id>/imports/<int:import_id>/",
        watchlists.WatchlistImportDetailApi.as_view(),
        name="watchlist-import-detail",
    ),
    path(
        "watchlists/<int:watchlist_id>/versions/",
        watchlists.WatchlistVersionListApi.as_view(),
        name="watchlist-version-list",
    ),
    path(
        "watchlists/<int:watchlist_id>/versions/<int:number>/changes/",
        watchlists.WatchlistVersionChangesApi.as_view(),
        name="watchlist-version-changes",
    ),
    path("screening/reviews/", reviews.ReviewListApi.as_view(), name="screening-review-list"),
    path(
        "screening/reviews/<int:review_id>/",
        reviews.ReviewDetailApi.as_view(),
        name="screening-review-detail",
    ),
    path(
        "screening/reviews/<int:review_id>/decide/",
        reviews.ReviewDecideApi.as_view(),
        name="screening-review-decide",
    ),
    path("screening/match/", match.MatchApi.as_view(), name="screening-match"),
]
