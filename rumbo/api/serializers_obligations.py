"""Obligations over the API: each with its rule, its source's words and its occurrences
(period, due date, who owes it, status), read through rumbo.obligations' readers."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rumbo.core.i18n import bilingual
from rumbo.obligations.models import Obligation
from rumbo.obligations.occurrences import STATUS_CHOICES, Occurrence
from rumbo.organisations.models import Body, Organisation


class OccurrenceSerializer(serializers.Serializer):
    period = serializers.CharField(source="period.code")
    period_label = serializers.SerializerMethodField()
    due = serializers.DateField()
    status = serializers.ChoiceField(choices=STATUS_CHOICES)
    debtor_kind = serializers.SerializerMethodField()
    debtor_id = serializers.SerializerMethodField()
    debtor = serializers.CharField(source="debtor.label")
    evidence = serializers.CharField()
    done_on = serializers.SerializerMethodField()
    link = serializers.SerializerMethodField()

    def get_period_label(self, o: Occurrence) -> str:
        return o.period.label()

    @extend_schema_field(
        serializers.ChoiceField(
            choices=["body", "country", "organisation", "secretariat", "presidency"]
        )
    )
    def get_debtor_kind(self, o: Occurrence) -> str:
        return o.debtor.key[0]

    def get_debtor_id(self, o: Occurrence) -> int:
        return o.debtor.key[1]

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_done_on(self, o: Occurrence) -> Any:
        return o.fulfilment.done_on if o.fulfilment is not None else None

    def get_link(self, o: Occurrence) -> str:
        return o.fulfilment.link if o.fulfilment is not None else ""


class ObligationSerializer(serializers.ModelSerializer):
    body: serializers.SlugRelatedField[Body] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    occurrences = serializers.SerializerMethodField()

    class Meta:
        model = Obligation
        fields = [
            "id",
            "code",
            *bilingual("title"),
            "debtor",
            "body",
            "organisation",
            *bilingual("creditor"),
            "frequency",
            "months",
            "times",
            "starts_on",
            "ends_on",
            "rule",
            *bilingual("quote"),
            *bilingual("source"),
            *bilingual("assumption"),
            "visibility",
            "occurrences",
        ]
        read_only_fields = fields

    @extend_schema_field(OccurrenceSerializer(many=True))
    def get_occurrences(self, ob: Obligation) -> Any:
        found = self.context.get("occurrences", {}).get(ob.pk, [])
        return OccurrenceSerializer(found, many=True).data
