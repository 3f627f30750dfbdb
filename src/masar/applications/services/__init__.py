"""Writes of the applications app. Every one runs in a transaction, is audited, and each
state change of an application goes through `transitions.application_transition`."""

from masar.applications.services.groups import group_create, group_package_update
from masar.applications.services.manifests import (
    manifest_job_create,
    manifest_job_run,
    manifest_jobs_resume,
    manifest_report_lines,
)
from masar.applications.services.pilgrims import application_create, application_update
from masar.applications.services.transitions import (
    BatchResult,
    application_company_approve,
    application_return,
    application_submit,
    application_transition,
    application_withdraw,
    applications_company_approve,
    applications_return,
    group_submit,
)

__all__ = [
    "BatchResult",
    "application_company_approve",
    "application_create",
    "application_return",
    "application_submit",
    "application_transition",
    "application_update",
    "application_withdraw",
    "applications_company_approve",
    "applications_return",
    "group_create",
    "group_package_update",
    "group_submit",
    "manifest_job_create",
    "manifest_job_run",
    "manifest_jobs_resume",
    "manifest_report_lines",
]
