"""Read-only API. Every queryset comes from the selectors, so it honours visibility:
an invisible record is a 404, exactly like a missing one."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from rumbo.core.visibility import clearance_of
from rumbo.organisations.selectors import organisations_for
from rumbo.plans.models import Activity, BudgetLine, Plan, PlanElement
from rumbo.plans.selectors import activities_for, elements_for, plans_for

from . import serializers

PLAN_PARAM = OpenApiParameter("plan", OpenApiTypes.STR, description="plan code")


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, enum=Plan.Kind.values),
            OpenApiParameter("status", OpenApiTypes.STR, enum=Plan.Status.values),
        ]
    )
)
class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.PlanSerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Plan]:
        qs = plans_for(self.request.user).order_by("-period_start", "code")
        for param in ("kind", "status"):
            value = self.request.query_params.get(param)
            if value:
                qs = qs.filter(**{param: value})
        return qs


@extend_schema_view(list=extend_schema(parameters=[PLAN_PARAM]))
class PlanElementViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.PlanElementSerializer

    def get_queryset(self) -> QuerySet[PlanElement]:
        qs = (
            elements_for(self.request.user)
            .prefetch_related("gcm_objectives", "sdg_targets")
            .order_by("plan__code", "depth", "order", "id")
        )
        plan = self.request.query_params.get("plan")
        return qs.filter(plan__code=plan) if plan else qs


@extend_schema_view(
    list=extend_schema(
        parameters=[
            PLAN_PARAM,
            OpenApiParameter("status", OpenApiTypes.STR, enum=Activity.Status.values),
        ]
    )
)
class ActivityViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ActivitySerializer

    def get_queryset(self) -> QuerySet[Activity]:
        level = clearance_of(self.request.user)
        qs = (
            activities_for(self.request.user)
            .prefetch_related(
                Prefetch(
                    "budget_lines",
                    queryset=BudgetLine.objects.select_related("funder").filter(
                        funder__visibility__lte=level
                    )
                    | BudgetLine.objects.filter(funder__isnull=True),
                )
            )
            .order_by("plan__code", "id")
        )
        plan = self.request.query_params.get("plan")
        if plan:
            qs = qs.filter(plan__code=plan)
        status = self.request.query_params.get("status")
        return qs.filter(status=status) if status else qs


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.OrganisationSerializer
    lookup_field = "code"

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return organisations_for(self.request.user).order_by("kind", "code")
