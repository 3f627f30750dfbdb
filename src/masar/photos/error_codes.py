from enum import StrEnum


class PhotosError(StrEnum):
    NOT_ALLOWED = "not_allowed"
    PILGRIM_NOT_FOUND = "pilgrim_not_found"
    GROUP_NOT_FOUND = "group_not_found"
    BATCH_NOT_FOUND = "photo_batch_not_found"
    PHOTO_MISSING = "photo_missing"
    PHOTO_REFUSED = "photo_refused"
    NOT_FLAGGED = "photo_not_flagged"
    REASON_REQUIRED = "reason_required"
    INVALID_ZIP = "invalid_zip"
    ZIP_TOO_LARGE = "zip_too_large"
    # Per-file outcomes of a group archive.
    NO_PILGRIM = "no_pilgrim_with_passport"
    NOT_A_PHOTO_NAME = "file_name_not_passport"
    DUPLICATE_IN_ZIP = "duplicate_in_archive"
