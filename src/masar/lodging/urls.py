from django.urls import path

from masar.lodging.views import desk, itinerary, registry, trips

app_name = "lodging"

urlpatterns = [
    path("providers/hotels/", registry.hotels, name="hotels"),
    path("providers/hotels/new/", registry.hotel_register, name="hotel-register"),
    path("providers/hotels/<int:hotel_id>/", registry.hotel_detail, name="hotel"),
    path("providers/transport/", registry.operators, name="operators"),
    path("providers/transport/new/", registry.operator_register, name="operator-register"),
    path("providers/transport/<int:operator_id>/", registry.operator_detail, name="operator"),
    path("hotel/desk/", desk.desk, name="desk"),
    path("hotel/desk/check/", desk.desk_check, name="desk-check"),
    path("hotel/desk/record/", desk.desk_record, name="desk-record"),
    path("hotel/guests/", desk.guests, name="guests"),
    path("transport/trips/", trips.trips, name="trips"),
    path("transport/trips/<int:trip_id>/", trips.trip_detail, name="trip"),
    path("groups/<int:group_id>/itinerary/", itinerary.itinerary, name="itinerary"),
]
