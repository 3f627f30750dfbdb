from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from masar.accounts.models import User
from masar.accounts.permissions import MasarPermission
from masar.accounts.roles import Role
from masar.core.api.fields import CalendarDateField
from masar.core.api.schema import error_responses
from masar.core.dates import riyadh_today
from masar.core.errors import Forbidden
from masar.training import selectors, services
from masar.training.error_codes import TrainingError
from masar.training.models import Certificate, Course, Enrolment, EnrolmentStatus, Session

RUNNERS = [Role.TRAINER, Role.SUPERVISOR]


class CourseOutput(serializers.ModelSerializer):
    programme = serializers.CharField(source="programme.code")
    prerequisites: serializers.Field = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    renews: serializers.Field = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Course
        fields = [
            "id",
            "code",
            "programme",
            "title_en",
            "title_ar",
            "description_en",
            "description_ar",
            "audience_roles",
            "duration_hours",
            "delivery",
            "prerequisites",
            "attendance_required_pct",
            "pass_mark",
            "certificate_validity_months",
            "renews",
            "self_enrolment",
            "is_active",
        ]


class EnrolmentOutput(serializers.ModelSerializer):
    session_id = serializers.IntegerField()
    person_id = serializers.IntegerField()
    person = serializers.CharField(source="person.username")
    organization_id = serializers.IntegerField()
    nominated_by_id = serializers.IntegerField(allow_null=True)

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "session_id",
            "person_id",
            "person",
            "organization_id",
            "nominated_by_id",
            "status",
            "ticket",
            "score",
            "attendance_pct",
            "created_at",
            "promoted_at",
            "cancelled_at",
        ]


class _Scoped(GenericAPIView):
    permission_classes = [MasarPermission]

    def actor(self) -> User:
        return self.request.user  # type: ignore[return-value]


class CourseListApi(_Scoped):
    serializer_class = CourseOutput

    def get_queryset(self) -> Any:
        qs = selectors.course_list(actor=self.actor())
        params = self.request.query_params
        if programme := params.get("programme"):
            qs = qs.filter(programme__code=programme)
        if role := params.get("role"):
            qs = qs.filter(audience_roles__contains=[role])
        return qs

    @extend_schema(summary="The training catalogue: courses and their completion rules")
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(CourseOutput(page, many=True).data)


class SessionEnrolmentsApi(_Scoped):
    serializer_class = EnrolmentOutput

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TrainingEnrolmentCreate"

        person_id = serializers.IntegerField(
            required=False,
            help_text="The person to nominate (a supervisor, own organization); "
            "omit it to enrol yourself.",
        )
        join_waitlist = serializers.BooleanField(default=True)

    def _session(self, session_id: int) -> Session:
        return get_object_or_404(selectors.session_list(actor=self.actor()), pk=session_id)

    @extend_schema(
        responses={200: EnrolmentOutput(many=True), **error_responses(404)},
        summary="A session's enrolments the caller may see",
    )
    def get(self, request: Request, session_id: int) -> Response:
        session = self._session(session_id)
        qs = selectors.session_enrolments(actor=self.actor(), session=session)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(EnrolmentOutput(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: EnrolmentOutput, **error_responses(400, 403, 404, 409, 422)},
        summary="Enrol yourself, or nominate a person of your organization (supervisors)",
    )
    def post(self, request: Request, session_id: int) -> Response:
        actor = self.actor()
        session = self._session(session_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person_id = data.validated_data.get("person_id", actor.pk)
        if person_id == actor.pk:
            person = actor
        elif actor.has_role(Role.SUPERVISOR):
            person = get_object_or_404(selectors.nominable_people(actor=actor), pk=person_id)
        else:
            raise Forbidden(
                TrainingError.NOT_ALLOWED,
                _("Only supervisors nominate other people; you may enrol yourself."),
            )
        enrolment = services.enrolment_create(
            actor=actor,
            session=session,
            person=person,
            join_waitlist=data.validated_data["join_waitlist"],
        )
        return Response(EnrolmentOutput(enrolment).data, status=status.HTTP_201_CREATED)


class EnrolmentCancelApi(_Scoped):
    serializer_class = EnrolmentOutput

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TrainingEnrolmentCancel"

        reason = serializers.CharField(max_length=2000, required=False, default="")

    @extend_schema(
        request=InputSerializer,
        responses={200: EnrolmentOutput, **error_responses(403, 404, 409)},
        summary="Cancel an enrolment; the first person waiting moves up",
    )
    def post(self, request: Request, enrolment_id: int) -> Response:
        enrolment = get_object_or_404(selectors.enrolment_list(actor=self.actor()), pk=enrolment_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrolment = services.enrolment_cancel(
            actor=self.actor(), enrolment=enrolment, reason=data.validated_data["reason"]
        )
        return Response(EnrolmentOutput(enrolment).data)


class _RunnerApi(_Scoped):
    required_roles = RUNNERS

    def _session(self, session_id: int) -> Session:
        return get_object_or_404(selectors.trainer_session_list(actor=self.actor()), pk=session_id)


class MarkInput(serializers.Serializer):
    person_id = serializers.IntegerField()
    present = serializers.BooleanField()


class AttendanceOutput(serializers.Serializer):
    session_id = serializers.IntegerField()
    day = serializers.DateField()
    present = serializers.IntegerField()
    absent = serializers.IntegerField()


class SessionAttendanceApi(_RunnerApi):
    serializer_class = AttendanceOutput

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TrainingAttendance"

        day = CalendarDateField()
        marks = MarkInput(many=True, required=False)
        all_present = serializers.BooleanField(
            default=False, help_text="Mark everyone enrolled present (marks may then be omitted)."
        )

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if not attrs.get("marks") and not attrs.get("all_present"):
                raise serializers.ValidationError(
                    {"marks": [_("Give the marks, or all_present: true.")]}
                )
            return attrs

    @extend_schema(
        request=InputSerializer,
        responses={200: AttendanceOutput, **error_responses(400, 403, 404, 409, 422)},
        summary="Record one day's attendance for a session (its trainer)",
    )
    def post(self, request: Request, session_id: int) -> Response:
        session = self._session(session_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        marks: dict[int, bool] = {}
        if values["all_present"]:
            marks = {
                e.person_id: True
                for e in session.enrolments.filter(status=EnrolmentStatus.ENROLLED).only(
                    "person_id"
                )
            }
        for mark in values.get("marks") or []:
            marks[mark["person_id"]] = mark["present"]
        present, absent = services.attendance_record(
            actor=self.actor(), session=session, day=values["day"], marks=marks
        )
        return Response(
            {"session_id": session.pk, "day": values["day"], "present": present, "absent": absent}
        )


class ScoreInput(serializers.Serializer):
    person_id = serializers.IntegerField()
    score = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)


class CountOutput(serializers.Serializer):
    session_id = serializers.IntegerField()
    count = serializers.IntegerField()


class SessionScoresApi(_RunnerApi):
    serializer_class = CountOutput

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TrainingScores"

        scores = ScoreInput(many=True, allow_empty=False)

    @extend_schema(
        request=InputSerializer,
        responses={200: CountOutput, **error_responses(400, 403, 404, 409)},
        summary="Record assessment scores (percent) for a session (its trainer)",
    )
    def post(self, request: Request, session_id: int) -> Response:
        session = self._session(session_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        scores = {s["person_id"]: s["score"] for s in data.validated_data["scores"]}
        count = services.scores_record(actor=self.actor(), session=session, scores=scores)
        return Response({"session_id": session.pk, "count": count})


class SheetOutput(serializers.Serializer):
    rows = serializers.IntegerField()
    attendance_marks = serializers.IntegerField()
    scores = serializers.IntegerField()


class SessionSheetImportApi(_RunnerApi):
    serializer_class = SheetOutput
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TrainingSheetImport"

        file = serializers.FileField(
            help_text="CSV (UTF-8): username, a column per day (YYYY-MM-DD) with 1/0, score."
        )

    @extend_schema(
        request=InputSerializer,
        responses={200: SheetOutput, **error_responses(400, 403, 404, 409, 422)},
        summary="Import attendance and scores from a CSV sheet (all or nothing)",
    )
    def post(self, request: Request, session_id: int) -> Response:
        session = self._session(session_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.session_sheet_import(
            actor=self.actor(), session=session, content=data.validated_data["file"].read()
        )
        return Response(
            {
                "rows": result.rows,
                "attendance_marks": result.attendance_marks,
                "scores": result.scores,
            }
        )


class CloseOutput(serializers.Serializer):
    session_id = serializers.IntegerField()
    completed = serializers.IntegerField()
    not_completed = serializers.IntegerField()


class SessionCloseApi(_RunnerApi):
    serializer_class = CloseOutput

    @extend_schema(
        request=None,
        responses={200: CloseOutput, **error_responses(403, 404, 409)},
        summary="Make a session's results final and issue the certificates",
    )
    def post(self, request: Request, session_id: int) -> Response:
        session = self._session(session_id)
        result = services.session_close(actor=self.actor(), session=session)
        return Response(
            {
                "session_id": session.pk,
                "completed": result.completed,
                "not_completed": result.not_completed,
            }
        )


class CertificateVerifyOutput(serializers.Serializer):
    code = serializers.CharField()
    holder_name_en = serializers.CharField()
    holder_name_ar = serializers.CharField()
    course_title_en = serializers.CharField()
    course_title_ar = serializers.CharField()
    issued_on = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=["valid", "expired", "renewed", "revoked"])


def certificate_public_data(certificate: Certificate) -> dict[str, Any]:
    """What anyone may learn from a certificate's code: the name, the course, the validity
    and the status. Nothing else (no organization, no user name, no score)."""
    return {
        "code": certificate.code,
        "holder_name_en": certificate.holder_name_en,
        "holder_name_ar": certificate.holder_name_ar,
        "course_title_en": certificate.course.title_en,
        "course_title_ar": certificate.course.title_ar,
        "issued_on": certificate.issued_on,
        "valid_until": certificate.valid_until,
        "status": certificate.state_on(riyadh_today()),
    }


class CertificateVerifyThrottle(AnonRateThrottle):
    scope = "anon"


class CertificateVerifyApi(GenericAPIView):
    """Public: anyone holding a certificate's code may check it."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [CertificateVerifyThrottle]
    serializer_class = CertificateVerifyOutput

    @extend_schema(
        auth=[],
        responses={200: CertificateVerifyOutput, **error_responses(404, 429)},
        summary="Verify a certificate by its code (public)",
    )
    def get(self, request: Request, code: str) -> Response:
        certificate = selectors.certificate_by_code(code)
        if certificate is None:
            raise Http404
        return Response(CertificateVerifyOutput(certificate_public_data(certificate)).data)
