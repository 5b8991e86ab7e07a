"""Agreements API: list and read the agreements the caller may see, each with its country
follow-up grid (filters: meeting, body); PATCH one country's cell through `follow-up`, with
the cell's version (409 if it moved on)."""

from __future__ import annotations

from typing import Any

from django import forms
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from rumbo.core.params import RecordIdField
from rumbo.meetings import services_agreements as services
from rumbo.meetings.selectors_agreements import agreements_with_grid_for, member_countries_for

from .query import CheckedInputMixin, clean_query
from .serializers_agreements import AgreementSerializer, FollowUpReportSerializer
from .views_tracking import run_service


class AgreementFilters(forms.Form):
    meeting = RecordIdField(required=False, help_text="meeting id")
    body = forms.CharField(required=False, help_text="body code")


class AgreementViewSet(
    CheckedInputMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Agreements, recommendations and mandates adopted at meetings, with every member
    country's follow-up (status, evidence, date)."""

    serializer_class = AgreementSerializer
    filter_form = AgreementFilters
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = agreements_with_grid_for(self.request.user).order_by("meeting_id", "order", "id")
        if self.action != "list":
            return qs
        chosen = clean_query(self.request.query_params, AgreementFilters)
        if chosen.get("meeting"):
            qs = qs.filter(meeting_id=chosen["meeting"])
        if chosen.get("body"):
            qs = qs.filter(meeting__body__code=chosen["body"])
        return qs

    def get_serializer_context(self) -> dict[str, Any]:
        # Every agreement's grid has the same rows: the member countries, read once.
        return {
            **super().get_serializer_context(),
            "member_countries": list(member_countries_for(self.request.user)),
        }

    @extend_schema(request=FollowUpReportSerializer, responses=AgreementSerializer)
    @action(detail=True, methods=["patch"], url_path="follow-up")
    def follow_up(self, request: Request, pk: str) -> Response:
        """Set one member country's cell (its focal points, or the secretariat)."""
        agreement = self.get_object()
        given = FollowUpReportSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(given.validated_data)
        country = member_countries_for(request.user).filter(code=data["country"]).first()
        if country is None:
            raise NotFound
        run_service(
            lambda: services.follow_up_report(
                actor=request.user,
                agreement=agreement,
                country=country,
                status=data["status"],
                evidence=data.get("evidence") or "",
                reported_on=data.get("reported_on"),
                expected_version=data["version"],
            )
        )
        fresh = self.get_queryset().get(pk=agreement.pk)
        return Response(AgreementSerializer(fresh, context=self.get_serializer_context()).data)
