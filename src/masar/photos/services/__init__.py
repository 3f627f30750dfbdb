"""Writes of the photos app: portraits (upload, an officer's acceptance) and group
archives of photos (upload, the worker's run, resume)."""

from masar.photos.services.archives import (
    photo_batch_create,
    photo_batch_run,
    photo_batches_resume,
)
from masar.photos.services.portraits import (
    ACCEPT_ROLES,
    photo_thresholds,
    portrait_accept,
    portrait_save_checked,
    portrait_upload,
)

__all__ = [
    "ACCEPT_ROLES",
    "photo_batch_create",
    "photo_batch_run",
    "photo_batches_resume",
    "photo_thresholds",
    "portrait_accept",
    "portrait_save_checked",
    "portrait_upload",
]
