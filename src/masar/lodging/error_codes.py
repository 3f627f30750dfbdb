from enum import StrEnum


class LodgingError(StrEnum):
    NOT_ALLOWED = "not_allowed"
    STATION_NOT_FOUND = "station_not_found"
    LICENCE_NUMBER_TAKEN = "licence_number_taken"
    INVALID_CITY = "invalid_city"
    INVALID_VALUE = "invalid_value"
    ALREADY_SUSPENDED = "provider_already_suspended"
    NOT_SUSPENDED = "provider_not_suspended"
    PROVIDER_SUSPENDED = "provider_suspended"
    OVER_CAPACITY = "hotel_over_capacity"
    CITY_MISMATCH = "city_mismatch"
    GROUP_LOCKED = "group_locked"
    BATCH_TOO_LARGE = "batch_too_large"
    TRIP_ID_REUSED = "client_trip_id_reused"
    NOT_ON_TRIP = "not_on_trip"
