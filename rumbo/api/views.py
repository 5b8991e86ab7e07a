"""Read-only API. Every queryset comes from the selectors, so it honours visibility:
an invisible record is a 404, exactly like a missing one."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import viewsets

from rumbo.organisations.selectors import organisations_for
from rumbo.plans.models import Activity, Plan, PlanElement
from rumbo.plans.selectors import activities_for, elements_for, plans_for

from . import serializers
from .query import ActivityFilters, CheckedInputMixin, ElementFilters, PlanFilters


class PlanViewSet(CheckedInputMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.PlanSerializer
    filter_form = PlanFilters
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Plan]:
        qs = plans_for(self.request.user).order_by("-period_start", "code")
        for param in ("kind", "status"):
            value = self.request.query_params.get(param)
            if value:
                qs = qs.filter(**{param: value})
        return qs


class PlanElementViewSet(CheckedInputMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.PlanElementSerializer
    filter_form = ElementFilters

    def get_queryset(self) -> QuerySet[PlanElement]:
        qs = (
            elements_for(self.request.user)
            .prefetch_related("gcm_objectives", "sdg_targets")
            .order_by("plan__code", "depth", "order", "id")
        )
        plan = self.request.query_params.get("plan")
        return qs.filter(plan__code=plan) if plan else qs


class ActivityViewSet(CheckedInputMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ActivitySerializer
    filter_form = ActivityFilters

    def get_queryset(self) -> QuerySet[Activity]:
        qs = activities_for(self.request.user).order_by("plan__code", "id")
        plan = self.request.query_params.get("plan")
        if plan:
            qs = qs.filter(plan__code=plan)
        status = self.request.query_params.get("status")
        return qs.filter(status=status) if status else qs


class OrganisationViewSet(CheckedInputMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.OrganisationSerializer
    lookup_field = "code"

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return organisations_for(self.request.user).order_by("kind", "code")
