from django.urls import path, re_path

from masar.applications.api import applications, groups, manifests

urlpatterns = [
    path("groups/", groups.GroupListApi.as_view(), name="group-list"),
    path("groups/<int:group_id>/", groups.GroupDetailApi.as_view(), name="group-detail"),
    path("groups/<int:group_id>/submit/", groups.GroupSubmitApi.as_view(), name="group-submit"),
    path(
        "groups/<int:group_id>/manifests/",
        groups.GroupManifestApi.as_view(),
        name="group-manifest-upload",
    ),
    path("jobs/<int:job_id>/", manifests.JobDetailApi.as_view(), name="manifest-job-detail"),
    re_path(
        r"^jobs/(?P<job_id>\d+)/report\.(?P<kind>csv|xlsx)$",
        manifests.JobReportApi.as_view(),
        name="manifest-job-report",
    ),
    re_path(
        r"^manifests/template\.(?P<kind>csv|xlsx)$",
        manifests.ManifestTemplateApi.as_view(),
        name="manifest-template",
    ),
    path("applications/", applications.ApplicationListApi.as_view(), name="application-list"),
    path(
        "applications/rules/",
        applications.EligibilityRulesApi.as_view(),
        name="application-rules",
    ),
    path(
        "applications/bulk-approve/",
        applications.ApplicationsBulkApproveApi.as_view(),
        name="application-bulk-approve",
    ),
    path(
        "applications/bulk-return/",
        applications.ApplicationsBulkReturnApi.as_view(),
        name="application-bulk-return",
    ),
    path(
        "applications/<int:application_id>/",
        applications.ApplicationDetailApi.as_view(),
        name="application-detail",
    ),
    path(
        "applications/<int:application_id>/submit/",
        applications.ApplicationSubmitApi.as_view(),
        name="application-submit",
    ),
    path(
        "applications/<int:application_id>/approve/",
        applications.ApplicationApproveApi.as_view(),
        name="application-approve",
    ),
    path(
        "applications/<int:application_id>/return/",
        applications.ApplicationReturnApi.as_view(),
        name="application-return",
    ),
    path(
        "applications/<int:application_id>/withdraw/",
        applications.ApplicationWithdrawApi.as_view(),
        name="application-withdraw",
    ),
]
