"""Output shapes of the applications API, shared by its views."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from masar.applications import disclosure
from masar.applications.models import (
    Application,
    Group,
    ManifestJob,
    Pilgrim,
)
from masar.applications.services.groups import PACKAGE_FIELDS
from masar.applications.states import STEP_TIMESTAMPS, ApplicationStatus


class PackageSerializer(serializers.Serializer):
    hotel_contract_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    makkah_hotel = serializers.CharField(max_length=120, required=False, allow_blank=True)
    makkah_nights = serializers.IntegerField(min_value=0, max_value=365, required=False)
    madinah_hotel = serializers.CharField(max_length=120, required=False, allow_blank=True)
    madinah_nights = serializers.IntegerField(min_value=0, max_value=365, required=False)
    ground_transport = serializers.CharField(max_length=120, required=False, allow_blank=True)
    arrival_flight = serializers.CharField(max_length=12, required=False, allow_blank=True)
    arrival_port = serializers.CharField(max_length=3, required=False, allow_blank=True)
    arrival_date = serializers.DateField(required=False, allow_null=True)
    departure_flight = serializers.CharField(max_length=12, required=False, allow_blank=True)
    departure_port = serializers.CharField(max_length=3, required=False, allow_blank=True)
    departure_date = serializers.DateField(required=False, allow_null=True)


class GroupOutput(serializers.ModelSerializer):
    agent_id = serializers.IntegerField()
    company_id = serializers.IntegerField()
    season_id = serializers.IntegerField()
    package = serializers.SerializerMethodField()
    status_counts = serializers.SerializerMethodField()

    class Meta:
        model = Group
        fields = [
            "id",
            "name",
            "reference",
            "agent_id",
            "company_id",
            "season_id",
            "package",
            "status_counts",
            "created_at",
        ]

    @extend_schema_field(PackageSerializer)
    def get_package(self, group: Group) -> dict[str, Any]:
        return PackageSerializer({name: getattr(group, name) for name in PACKAGE_FIELDS}).data

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_status_counts(self, group: Group) -> dict[str, int]:
        counts = self.context.get("status_counts")
        if counts is not None:
            return counts
        return {}


class PilgrimOutput(serializers.ModelSerializer):
    mrz = serializers.SerializerMethodField()
    has_photo = serializers.SerializerMethodField()

    class Meta:
        model = Pilgrim
        fields = [
            "surname",
            "given_names",
            "native_name",
            "sex",
            "birth_date",
            "nationality",
            "residence_country",
            "passport_number",
            "passport_issuing_state",
            "passport_issue_date",
            "passport_expiry_date",
            "mrz",
            "vaccine_type",
            "vaccine_date",
            "has_photo",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_mrz(self, pilgrim: Pilgrim) -> list[str]:
        return pilgrim.mrz.split("\n")

    def get_has_photo(self, pilgrim: Pilgrim) -> bool:
        return bool(pilgrim.photo)


class TimestampsSerializer(serializers.Serializer):
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    company_decided_at = serializers.DateTimeField(allow_null=True)
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    screened_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    issued_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    entered_at = serializers.DateTimeField(allow_null=True)
    departed_at = serializers.DateTimeField(allow_null=True)
    overstayed_at = serializers.DateTimeField(allow_null=True)


class TransitionOutput(serializers.Serializer):
    """One step of the history, as `disclosure.shown_history` gives it to the viewer."""

    name = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.CharField(help_text="A username, `system`, or `authorities`.")
    reason = serializers.CharField()
    at = serializers.DateTimeField()


STATUS_CHOICES = [*ApplicationStatus.values, disclosure.UNDER_REVIEW]


class ApplicationOutput(serializers.ModelSerializer):
    """An application as its viewer may see it: the company and the agent see the security
    review as `under_review` only (`masar.applications.disclosure`). Pass the viewer as
    `context={"actor": ...}`; without one the neutral form is given."""

    status = serializers.ChoiceField(choices=STATUS_CHOICES)
    group_id = serializers.IntegerField()
    agent_id = serializers.IntegerField()
    company_id = serializers.IntegerField()
    season_id = serializers.IntegerField()
    manifest_job_id = serializers.IntegerField(allow_null=True)
    pilgrim = PilgrimOutput()
    timestamps = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "number",
            "status",
            "status_reason",
            "group_id",
            "agent_id",
            "company_id",
            "season_id",
            "manifest_job_id",
            "manifest_row",
            "pilgrim",
            "timestamps",
            "updated_at",
        ]

    @extend_schema_field(TimestampsSerializer)
    def get_timestamps(self, app: Application) -> dict[str, Any]:
        names = ("created_at", *STEP_TIMESTAMPS)
        stamps = {name: getattr(app, name) for name in names}
        return TimestampsSerializer(
            disclosure.shown_timestamps(self.context.get("actor"), stamps)
        ).data

    def to_representation(self, instance: Application) -> dict[str, Any]:
        data = super().to_representation(instance)
        actor = self.context.get("actor")
        data["status"] = disclosure.shown_status(actor, instance.status)
        data["status_reason"] = disclosure.shown_reason(actor, instance)
        data["updated_at"] = self.fields["updated_at"].to_representation(
            disclosure.shown_updated_at(actor, instance)
        )
        return data


class ApplicationDetailOutput(ApplicationOutput):
    history = serializers.SerializerMethodField()

    class Meta(ApplicationOutput.Meta):
        fields = [*ApplicationOutput.Meta.fields, "history"]

    @extend_schema_field(TransitionOutput(many=True))
    def get_history(self, app: Application) -> list[dict[str, Any]]:
        steps = disclosure.shown_history(self.context.get("actor"), app.transitions.all())
        return TransitionOutput(steps, many=True).data  # type: ignore[return-value]


class ReportLinks(serializers.Serializer):
    csv = serializers.CharField()
    xlsx = serializers.CharField()


class JobOutput(serializers.ModelSerializer):
    group_id = serializers.IntegerField()
    processed_rows = serializers.IntegerField(source="checkpoint_row")
    percent = serializers.IntegerField()
    report = serializers.SerializerMethodField()

    class Meta:
        model = ManifestJob
        fields = [
            "id",
            "group_id",
            "original_name",
            "format",
            "mode",
            "status",
            "phase",
            "total_rows",
            "processed_rows",
            "accepted_rows",
            "rejected_rows",
            "discarded_rows",
            "percent",
            "error",
            "runs",
            "created_at",
            "started_at",
            "finished_at",
            "report",
        ]

    @extend_schema_field(ReportLinks(allow_null=True))
    def get_report(self, job: ManifestJob) -> dict[str, str] | None:
        if not job.is_finished:
            return None
        return {
            kind: reverse("api:manifest-job-report", kwargs={"job_id": job.pk, "kind": kind})
            for kind in ("csv", "xlsx")
        }


class BatchOutput(serializers.Serializer):
    done = serializers.ListField(child=serializers.IntegerField())
    refused = serializers.DictField(
        child=serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
    )


def batch_data(result: Any) -> dict[str, Any]:
    return {
        "done": [app.pk for app in result.done],
        "refused": {
            str(pk): [{"field": f.field, "code": f.code, "message": f.message} for f in failures]
            for pk, failures in result.refused.items()
        },
    }
