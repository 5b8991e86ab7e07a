"""Approvals API: list and read the questions the caller may see, with positions and the
outcome; record a country's position on the version read (409 if it moved on). A position
the secretariat records on a country's behalf needs the written request attached, which
the pages take: over the API it is refused."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from rumbo.approvals import services
from rumbo.approvals.selectors import member_countries_for, questions_with_parts_for

from .query import CheckedInputMixin
from .serializers_approvals import ApprovalQuestionSerializer, PositionInputSerializer
from .views_tracking import run_service


class ApprovalQuestionViewSet(
    CheckedInputMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Texts put to the member countries for approval, version by version."""

    serializer_class = ApprovalQuestionSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return questions_with_parts_for(self.request.user).order_by("-opened_on", "-id")

    @extend_schema(request=PositionInputSerializer, responses=ApprovalQuestionSerializer)
    @action(detail=True, methods=["post"])
    def position(self, request: Request, pk: str) -> Response:
        question = self.get_object()
        given = PositionInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(given.validated_data)
        country = member_countries_for(request.user).filter(code=data["country"]).first()
        if country is None:
            raise ApiValidationError({"country": ["No such member country."]})
        run_service(
            lambda: services.position_record(
                actor=request.user,
                question=question,
                country=country,
                data=data,
                text_version=data["text_version"],
                expected_version=data["version"],
            )
        )
        fresh = self.get_queryset().get(pk=question.pk)
        return Response(
            ApprovalQuestionSerializer(fresh, context=self.get_serializer_context()).data
        )
