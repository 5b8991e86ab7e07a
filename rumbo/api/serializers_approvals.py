"""Approval questions over the API: read as the viewer may see them, with each country's
position and the outcome under the question's rule; positions recorded through the same
service (permissions, version checks, audit) as the pages."""

from __future__ import annotations

from typing import Any, cast

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rumbo.approvals.models import ApprovalFile, ApprovalPosition, ApprovalQuestion
from rumbo.approvals.outcome import State
from rumbo.approvals.selectors import member_countries_for, outcome_for
from rumbo.core.i18n import bilingual


class ApprovalFileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ApprovalFile
        fields = ["id", "kind", "name", "size", "uploaded_at", "url"]

    def get_url(self, item: ApprovalFile) -> str:
        return reverse("approval_file_download", kwargs={"pk": item.pk})


class ApprovalPositionSerializer(serializers.ModelSerializer):
    country = serializers.SerializerMethodField()
    files = ApprovalFileSerializer(many=True, read_only=True)

    class Meta:
        model = ApprovalPosition
        fields = [
            "id",
            "country",
            "position",
            "decided_on",
            "note",
            "on_behalf",
            "version",
            "files",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_country(self, position: ApprovalPosition) -> str | None:
        country = position.country  # loaded through the organisations' reader
        return country.code if country is not None else None


class OutcomeSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=State.choices)
    approvals = serializers.IntegerField(help_text="Countries that approve (named or counted).")
    total = serializers.IntegerField(help_text="Member countries.")
    unnamed = serializers.IntegerField(help_text="Approvals the sources count without names.")
    by_silence = serializers.BooleanField()
    missing = serializers.ListField(child=serializers.CharField())
    objecting = serializers.ListField(child=serializers.CharField())
    abstaining = serializers.ListField(child=serializers.CharField())


class ApprovalQuestionSerializer(serializers.ModelSerializer):
    plan = serializers.SerializerMethodField()
    positions = ApprovalPositionSerializer(many=True, read_only=True)
    files = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()

    class Meta:
        model = ApprovalQuestion
        fields = [
            "id",
            "code",
            "plan",
            *bilingual("title", "recorded_as", "source"),
            "text_version",
            "rule",
            "required",
            "deadline",
            "opened_on",
            "closed_on",
            "recorded_approvals",
            "visibility",
            "version",
            "outcome",
            "positions",
            "files",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_plan(self, question: ApprovalQuestion) -> str | None:
        plan = question.plan  # loaded through the plans' reader
        return plan.code if plan is not None else None

    @extend_schema_field(ApprovalFileSerializer(many=True))
    def get_files(self, question: ApprovalQuestion) -> list[dict[str, Any]]:
        items = getattr(question, "text_files", [])
        return list(ApprovalFileSerializer(items, many=True).data)

    @extend_schema_field(OutcomeSerializer)
    def get_outcome(self, question: ApprovalQuestion) -> dict[str, Any]:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        # Read once per response (a list shares its serializer's context).
        context = cast("dict[str, Any]", self.context)
        if "member_countries" not in context:
            context["member_countries"] = list(member_countries_for(user))
        outcome = outcome_for(user, question, members=context["member_countries"])
        return {
            "state": outcome.state,
            "approvals": outcome.approvals,
            "total": outcome.total,
            "unnamed": outcome.unnamed,
            "by_silence": outcome.by_silence,
            "missing": [c.code for c in outcome.missing],
            "objecting": [c.code for c in outcome.objecting],
            "abstaining": [c.code for c in outcome.abstaining],
        }


class PositionInputSerializer(serializers.Serializer):
    country = serializers.CharField(max_length=10, help_text="The member country's code.")
    position = serializers.ChoiceField(choices=ApprovalPosition.Position.choices)
    decided_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    text_version = serializers.CharField(
        max_length=20, help_text="The version of the text the position is on (as read)."
    )
    version = serializers.IntegerField(
        min_value=0, help_text="The position's version as read; 0 when none was recorded."
    )
