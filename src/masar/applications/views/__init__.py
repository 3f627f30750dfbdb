"""The agent and company pages (htmx), in Arabic and English."""

from masar.applications.views.applications import (
    application_detail,
    application_edit,
    application_photo,
    applications,
    applications_bulk,
    saved_searches,
)
from masar.applications.views.groups import (
    group_detail,
    group_new,
    groups,
    job_detail,
    job_report,
    manifest_template,
    manifest_upload,
    mrz_fill,
    pilgrim_new,
)

__all__ = [
    "application_detail",
    "application_edit",
    "application_photo",
    "applications",
    "applications_bulk",
    "group_detail",
    "group_new",
    "groups",
    "job_detail",
    "job_report",
    "manifest_template",
    "manifest_upload",
    "mrz_fill",
    "pilgrim_new",
    "saved_searches",
]
