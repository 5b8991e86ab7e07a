"""Follow-up API: read and write with the pages' permissions, validation and audit."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from rumbo.core.services import ConflictError
from rumbo.plans import services as plan_services
from rumbo.plans.access import can_edit_plan
from rumbo.plans.models import Activity
from rumbo.tracking import matrix, services
from rumbo.tracking.access import can_decide_notes, can_report_on
from rumbo.tracking.forms import MatrixFilterForm
from rumbo.tracking.models import ConceptNote, ProgressUpdate

from .serializers_tracking import (
    ConceptNoteSerializer,
    MatrixRowSerializer,
    MatrixUpdateSerializer,
    NoteReturnSerializer,
    ProgressUpdateSerializer,
)


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def run_service(call: Any) -> Any:
    """Translate the services' exceptions into API errors."""
    try:
        return call()
    except ConflictError as exc:
        raise Conflict(" ".join(exc.messages)) from exc
    except PermissionDenied as exc:
        raise ApiPermissionDenied from exc
    except ValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        raise ApiValidationError(detail) from exc


MATRIX_PARAMS = [
    OpenApiParameter(name, OpenApiTypes.STR)
    for name in ("plan", "working_group", "organisation", "country", "q", "sort")
] + [
    OpenApiParameter("pillar", OpenApiTypes.INT),
    OpenApiParameter("topic", OpenApiTypes.INT),
    OpenApiParameter("year", OpenApiTypes.INT),
    OpenApiParameter("overdue", OpenApiTypes.BOOL),
    OpenApiParameter("status", OpenApiTypes.STR, many=True, enum=Activity.Status.values),
]


@extend_schema_view(list=extend_schema(parameters=MATRIX_PARAMS))
class MatrixViewSet(viewsets.GenericViewSet):
    """The tracking matrix: one row per visible activity; PATCH changes a row's follow-up
    fields, sending the `version` that was read (409 if the row changed since)."""

    serializer_class = MatrixRowSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        filters = MatrixFilterForm(self.request.query_params or None).filters()
        return matrix.matrix_queryset(self.request.user, filters)

    def list(self, request: Request) -> Response:
        qs = self.get_queryset()
        paginator = self.paginator
        page_ids = paginator.paginate_queryset(qs.values_list("pk", flat=True), request, view=self)
        start = paginator.offset
        rows = list(matrix.rows(request.user, qs, start=start, stop=start + len(page_ids)))
        return paginator.get_paginated_response(MatrixRowSerializer(rows, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        qs = Activity.objects.visible_to(request.user).filter(pk=pk)
        row = next(matrix.rows(request.user, qs), None)
        if row is None:
            raise NotFound
        return Response(MatrixRowSerializer(row).data)

    @extend_schema(request=MatrixUpdateSerializer, responses=MatrixRowSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        activity = get_object_or_404(Activity.objects.visible_to(request.user), pk=pk)
        if not can_edit_plan(request.user, activity.plan):
            raise ApiPermissionDenied
        body = MatrixUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        version = data.pop("version")
        reason = data.pop("status_reason", "")
        run_service(
            lambda: plan_services.activity_update(
                actor=request.user,
                activity=activity,
                data=data,
                expected_version=version,
                status_reason=reason,
            )
        )
        return self.retrieve(request, pk)


class ConceptNoteViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ConceptNoteSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = (
            ConceptNote.objects.visible_to(self.request.user)
            .select_related("activity")
            .prefetch_related("lead_organisations", "accompanying_organisations")
            .order_by("id")
        )
        activity = self.request.query_params.get("activity")
        return qs.filter(activity_id=activity) if activity and activity.isdigit() else qs

    def _data(self, serializer: ConceptNoteSerializer) -> dict[str, Any]:
        return {k: v for k, v in serializer.validated_data.items() if k != "activity"}

    def perform_create(self, serializer: ConceptNoteSerializer) -> None:
        activity = serializer.validated_data["activity"]
        if not can_report_on(self.request.user, activity):
            raise ApiPermissionDenied
        if ConceptNote.objects.filter(activity=activity).exists():
            raise ApiValidationError({"activity": ["This activity already has a concept note."]})
        serializer.instance = run_service(
            lambda: services.concept_note_save(
                actor=self.request.user, activity=activity, data=self._data(serializer)
            )
        )

    def perform_update(self, serializer: ConceptNoteSerializer) -> None:
        note = serializer.instance
        if not can_report_on(self.request.user, note.activity):
            raise ApiPermissionDenied
        serializer.instance = run_service(
            lambda: services.concept_note_save(
                actor=self.request.user, activity=note.activity, data=self._data(serializer)
            )
        )

    @extend_schema(request=None, responses=ConceptNoteSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        note = self.get_object()
        if not can_report_on(request.user, note.activity):
            raise ApiPermissionDenied
        note = run_service(lambda: services.concept_note_submit(actor=request.user, note=note))
        return Response(self.get_serializer(note).data)

    @extend_schema(request=None, responses=ConceptNoteSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        note = self.get_object()
        if not can_decide_notes(request.user):
            raise ApiPermissionDenied
        note = run_service(lambda: services.concept_note_approve(actor=request.user, note=note))
        return Response(self.get_serializer(note).data)

    @extend_schema(request=NoteReturnSerializer, responses=ConceptNoteSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request: Request, pk: str) -> Response:
        note = self.get_object()
        if not can_decide_notes(request.user):
            raise ApiPermissionDenied
        body = NoteReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        note = run_service(
            lambda: services.concept_note_return(
                actor=request.user, note=note, comments=body.validated_data["comments"]
            )
        )
        return Response(self.get_serializer(note).data)


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("activity", OpenApiTypes.INT)]))
class ProgressUpdateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ProgressUpdateSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = (
            ProgressUpdate.objects.visible_to(self.request.user)
            .select_related("author")
            .prefetch_related("evidence")
            .order_by("-date", "-id")
        )
        activity = self.request.query_params.get("activity")
        return qs.filter(activity_id=activity) if activity and activity.isdigit() else qs

    def perform_create(self, serializer: ProgressUpdateSerializer) -> None:
        data = dict(serializer.validated_data)
        activity = data.pop("activity")
        reason = data.pop("status_reason", "")
        if not can_report_on(self.request.user, activity):
            raise ApiPermissionDenied
        files = self.request.FILES.getlist("files") if hasattr(self.request, "FILES") else []
        serializer.instance = run_service(
            lambda: services.progress_update_create(
                actor=self.request.user,
                activity=activity,
                data=data,
                files=files,
                status_reason=reason,
            )
        )
