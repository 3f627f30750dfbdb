"""Writes of accommodation and transport in the kingdom."""

from masar.lodging.services.providers import (
    hotel_register,
    provider_reinstate,
    provider_suspend,
    station_add,
    transport_operator_register,
)
from masar.lodging.services.stays import stay_record, stays_record_batch
from masar.lodging.services.trips import boardings_record, trip_record

__all__ = [
    "boardings_record",
    "hotel_register",
    "provider_reinstate",
    "provider_suspend",
    "station_add",
    "stay_record",
    "stays_record_batch",
    "transport_operator_register",
    "trip_record",
]
