"""Agreements over the API, with their country follow-up grid: read as the viewer may see
them; a country's cell is set through the same service (permissions, version, audit) as the
pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rumbo.core.i18n import bilingual
from rumbo.meetings.models import Agreement, FollowUp
from rumbo.meetings.selectors_agreements import agreement_rows


class LinkedElementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    plan = serializers.CharField(source="plan.code")
    code = serializers.CharField()


class FollowUpCellSerializer(serializers.Serializer):
    country = serializers.CharField(help_text="member country code (ISO 3166-1 alpha-3)")
    status = serializers.ChoiceField(choices=FollowUp.Status.choices)
    evidence = serializers.CharField(allow_blank=True)
    reported_on = serializers.DateField(allow_null=True, help_text="date of what is reported")
    reported_by = serializers.CharField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField(
        help_text="The cell's version; 0 while the country has not reported."
    )


class AgreementSerializer(serializers.ModelSerializer):
    meeting = serializers.IntegerField(source="meeting_id", read_only=True)
    elements = LinkedElementSerializer(many=True, read_only=True)
    follow_up = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = [
            "id",
            "meeting",
            "code",
            "kind",
            *bilingual("text"),
            "visibility",
            "elements",
            "follow_up",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(FollowUpCellSerializer(many=True))
    def get_follow_up(self, agreement: Agreement) -> list[dict[str, Any]]:
        """Every member country the caller sees, with its cell ("not reported" by default)."""
        request = self.context.get("request")
        user = getattr(request, "user", None)
        # The countries, read once per response by the view (else here).
        countries = self.context.get("member_countries")
        signed_in = bool(getattr(user, "is_authenticated", False))
        rows = agreement_rows(user, agreement, countries)
        out = []
        for row in rows:
            cell = row.cell
            out.append(
                {
                    "country": row.country.code,
                    "status": row.status,
                    "evidence": cell.evidence if cell else "",
                    "reported_on": cell.reported_on if cell else None,
                    # People are named to signed-in users only.
                    "reported_by": (
                        cell.reported_by.username
                        if cell and cell.reported_by and signed_in
                        else None
                    ),
                    "updated_at": cell.updated_at if cell else None,
                    "version": cell.version if cell else 0,
                }
            )
        return FollowUpCellSerializer(out, many=True).data  # type: ignore[return-value]


class FollowUpReportSerializer(serializers.Serializer):
    country = serializers.SlugField(help_text="member country code (ISO 3166-1 alpha-3)")
    status = serializers.ChoiceField(choices=FollowUp.Status.choices)
    evidence = serializers.CharField(required=False, allow_blank=True, default="")
    reported_on = serializers.DateField(
        required=False, allow_null=True, help_text="required for in progress or implemented"
    )
    version = serializers.IntegerField(
        min_value=0, help_text="The cell's version that was read (0: not reported yet)."
    )
