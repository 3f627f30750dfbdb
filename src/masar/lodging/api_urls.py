from django.urls import URLPattern, URLResolver, path

from masar.lodging.api import field, itinerary, providers

urlpatterns: list[URLPattern | URLResolver] = [
    path("hotels/", providers.HotelListApi.as_view(), name="lodging-hotels"),
    path("hotels/<int:hotel_id>/", providers.HotelDetailApi.as_view(), name="lodging-hotel"),
    path(
        "hotels/<int:hotel_id>/suspend/",
        providers.HotelSuspendApi.as_view(),
        name="lodging-hotel-suspend",
    ),
    path(
        "hotels/<int:hotel_id>/reinstate/",
        providers.HotelReinstateApi.as_view(),
        name="lodging-hotel-reinstate",
    ),
    path("transport-operators/", providers.OperatorListApi.as_view(), name="lodging-operators"),
    path(
        "transport-operators/<int:operator_id>/",
        providers.OperatorDetailApi.as_view(),
        name="lodging-operator",
    ),
    path(
        "transport-operators/<int:operator_id>/suspend/",
        providers.OperatorSuspendApi.as_view(),
        name="lodging-operator-suspend",
    ),
    path(
        "transport-operators/<int:operator_id>/reinstate/",
        providers.OperatorReinstateApi.as_view(),
        name="lodging-operator-reinstate",
    ),
    path(
        "transport-operators/<int:operator_id>/stations/",
        providers.StationAddApi.as_view(),
        name="lodging-operator-stations",
    ),
    path(
        "groups/<int:group_id>/itinerary/",
        itinerary.GroupItineraryApi.as_view(),
        name="lodging-group-itinerary",
    ),
    path("stays/", field.StaysApi.as_view(), name="lodging-stays"),
    path("trips/", field.TripsApi.as_view(), name="lodging-trips"),
    path("trips/<int:trip_id>/", field.TripDetailApi.as_view(), name="lodging-trip"),
    path(
        "trips/<int:trip_id>/boardings/",
        field.BoardingsApi.as_view(),
        name="lodging-trip-boardings",
    ),
]
