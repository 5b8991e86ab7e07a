"""Follow-up API: read and write with the pages' permissions, validation and audit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
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
from rumbo.tracking import matrix, services
from rumbo.tracking.access import can_decide_notes, can_report_on
from rumbo.tracking.forms import MatrixFilterForm
from rumbo.tracking.selectors import (
    concept_notes_for,
    note_exists_hidden,
    note_for_activity,
    progress_updates_for,
)

from .pagination import LimitOffsetPagination
from .query import ActivityIdFilter, CheckedInputMixin
from .serializers_tracking import (
    ConceptNoteSerializer,
    MatrixRowSerializer,
    MatrixUpdateSerializer,
    NoteReturnSerializer,
    ProgressUpdateSerializer,
)

if TYPE_CHECKING:
    from rumbo.tracking.models import ConceptNote


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


class MatrixViewSet(CheckedInputMixin, viewsets.GenericViewSet):
    """The tracking matrix: one row per visible activity; PATCH changes a row's follow-up
    fields, sending the `version` that was read (409 if the row changed since)."""

    serializer_class = MatrixRowSerializer
    filter_form = MatrixFilterForm

    def get_queryset(self):  # type: ignore[no-untyped-def]
        filters = MatrixFilterForm(self.request.query_params or None).filters()
        return matrix.matrix_queryset(self.request.user, filters)

    def list(self, request: Request) -> Response:
        qs = self.get_queryset()
        # Every list is paginated (DEFAULT_PAGINATION_CLASS), always with a limit: a page.
        paginator = cast(LimitOffsetPagination, self.paginator)
        page_ids = cast(
            "list[int]",
            paginator.paginate_queryset(qs.values_list("pk", flat=True), request, view=self),
        )
        start = cast(int, paginator.offset)  # set by paginate_queryset
        rows = list(matrix.rows(request.user, qs, start=start, stop=start + len(page_ids)))
        return paginator.get_paginated_response(MatrixRowSerializer(rows, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        row = matrix.row_for(request.user, pk)
        if row is None:
            raise NotFound
        return Response(MatrixRowSerializer(row).data)

    @extend_schema(request=MatrixUpdateSerializer, responses=MatrixRowSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        row = matrix.row_for(request.user, pk)
        if row is None:
            raise NotFound
        activity = row.activity
        if not can_edit_plan(request.user, activity.plan):
            raise ApiPermissionDenied
        body = MatrixUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        version = data.pop("version")
        reason = data.pop("status_reason", "")
        status_date = data.pop("status_date", None)
        run_service(
            lambda: plan_services.activity_update(
                actor=request.user,
                activity=activity,
                data=data,
                expected_version=version,
                status_reason=reason,
                status_date=status_date,
            )
        )
        return self.retrieve(request, pk)


class ConceptNoteViewSet(
    CheckedInputMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ConceptNoteSerializer
    filter_form = ActivityIdFilter
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = concept_notes_for(self.request.user).select_related("activity").order_by("id")
        activity = self.request.query_params.get("activity")
        return qs.filter(activity_id=activity) if activity and activity.isdigit() else qs

    def _data(self, serializer: ConceptNoteSerializer) -> dict[str, Any]:
        return {k: v for k, v in serializer.validated_data.items() if k != "activity"}

    def _create_data(self, serializer: ConceptNoteSerializer) -> dict[str, Any]:
        data = self._data(serializer)
        data.pop("version", None)
        return data

    # The serializer is always this viewset's serializer_class.
    def perform_create(self, serializer: ConceptNoteSerializer) -> None:  # type: ignore[override]
        activity = serializer.validated_data["activity"]
        if not can_report_on(self.request.user, activity):
            raise ApiPermissionDenied
        if note_exists_hidden(self.request.user, activity):
            # Not theirs to read, so not theirs to write: refused like any other activity
            # they may not report on, without a word about the note.
            raise ApiPermissionDenied
        if note_for_activity(self.request.user, activity) is not None:
            raise ApiValidationError({"activity": [_("This activity already has a concept note.")]})
        serializer.instance = run_service(
            lambda: services.concept_note_save(
                actor=self.request.user, activity=activity, data=self._create_data(serializer)
            )
        )

    def perform_update(self, serializer: ConceptNoteSerializer) -> None:  # type: ignore[override]
        note = cast("ConceptNote", serializer.instance)  # an update always has its record
        if not can_report_on(self.request.user, note.activity):
            raise ApiPermissionDenied
        data = self._data(serializer)
        version = data.pop("version")
        serializer.instance = run_service(
            lambda: services.concept_note_save(
                actor=self.request.user,
                activity=note.activity,
                data=data,
                expected_version=version,
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


class ProgressUpdateViewSet(
    CheckedInputMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ProgressUpdateSerializer
    filter_form = ActivityIdFilter
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = progress_updates_for(self.request.user).order_by("-date", "-id")
        activity = self.request.query_params.get("activity")
        return qs.filter(activity_id=activity) if activity and activity.isdigit() else qs

    # The serializer is always this viewset's serializer_class.
    def perform_create(self, serializer: ProgressUpdateSerializer) -> None:  # type: ignore[override]
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
