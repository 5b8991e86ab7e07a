"""Read-only representations. Translated fields are given in both languages."""

from __future__ import annotations

from rest_framework import serializers

from rumbo.core.i18n import bilingual
from rumbo.organisations.models import Body, Organisation
from rumbo.plans.models import (
    Activity,
    ActivityParty,
    BudgetLine,
    GcmObjective,
    Plan,
    PlanElement,
    SdgTarget,
)


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["code", "kind", "un_system", *bilingual("name", "acronym")]


class PlanSerializer(serializers.ModelSerializer):
    owner_body: serializers.SlugRelatedField[Body] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    owner_organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    # A declared field (the serializer's metaclass collects it), not Field.parent.
    parent: serializers.SlugRelatedField[Plan] = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = Plan
        fields = [
            "code",
            "kind",
            *bilingual("title", "short_title", "description"),
            "period_start",
            "period_end",
            "owner_body",
            "owner_organisation",
            "parent",
            "document_version",
            "status",
            "visibility",
            "levels",
            "version",
        ]


class PlanElementSerializer(serializers.ModelSerializer):
    plan: serializers.SlugRelatedField[Plan] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    # A declared field (the serializer's metaclass collects it), not Field.parent.
    parent: serializers.SlugRelatedField[PlanElement] = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="code", read_only=True, allow_null=True
    )
    gcm_objectives: serializers.SlugRelatedField[GcmObjective] = serializers.SlugRelatedField(
        slug_field="number", many=True, read_only=True
    )
    sdg_targets: serializers.SlugRelatedField[SdgTarget] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )

    class Meta:
        model = PlanElement
        fields = [
            "id",
            "plan",
            "parent",
            "code",
            "depth",
            "order",
            *bilingual("title", "description", "notes"),
            "gcm_objectives",
            "sdg_targets",
            "visibility",
            "version",
        ]


class PartySerializer(serializers.ModelSerializer):
    organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = ActivityParty
        fields = ["organisation", "role"]


class BudgetLineSerializer(serializers.ModelSerializer):
    funder: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = BudgetLine
        fields = ["amount", "currency", "source", "funder", "committed", "spent"]


class ActivitySerializer(serializers.ModelSerializer):
    plan: serializers.SlugRelatedField[Plan] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    element: serializers.SlugRelatedField[PlanElement] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    working_group: serializers.SlugRelatedField[Body] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    parties = PartySerializer(many=True, read_only=True)
    budget_lines = BudgetLineSerializer(many=True, read_only=True)
    gcm_objectives: serializers.SlugRelatedField[GcmObjective] = serializers.SlugRelatedField(
        slug_field="number", many=True, read_only=True
    )
    sdg_targets: serializers.SlugRelatedField[SdgTarget] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    visibility = serializers.IntegerField(source="effective_visibility", read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "plan",
            "element",
            "code",
            *bilingual(
                "title",
                "description",
                "references",
                "responsible_note",
                "indicators",
                "recurrence",
                "schedule_note",
                "assumptions_risks",
                "notes",
            ),
            "parties",
            "working_group",
            "start_date",
            "end_date",
            "term",
            "plan_year",
            "status",
            "budget_lines",
            "gcm_objectives",
            "sdg_targets",
            "visibility",
            "version",
        ]
