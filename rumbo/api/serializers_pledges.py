"""Pledges over the API, read as the caller may see them: linked activities, plan actions and
indicators come through their own readers (a record the caller may not see is absent), and
each round's update is as visible as its pledge."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rumbo.core.i18n import bilingual
from rumbo.pledges.models import Pledge, PledgeUpdate, PledgeUpdateFile
from rumbo.pledges.rounds import DONE, DUE, LATE
from rumbo.pledges.selectors import NOT_REPORTED, pledge_rounds


class PledgeFileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = PledgeUpdateFile
        fields = ["id", "name", "size", "url"]

    def get_url(self, item: PledgeUpdateFile) -> str:
        return reverse("pledge_file_download", kwargs={"pk": item.pk})


class PledgeUpdateSerializer(serializers.ModelSerializer):
    round = serializers.SerializerMethodField(help_text="The round, as “2024-06”.")
    files = PledgeFileSerializer(many=True, read_only=True)

    class Meta:
        model = PledgeUpdate
        fields = [
            "id",
            "version",
            "round",
            "status",
            "delivered_amount",
            "delivered_currency",
            *bilingual("in_kind_delivered", "narrative"),
            "link",
            "reported_at",
            "files",
        ]
        read_only_fields = fields

    def get_round(self, update: PledgeUpdate) -> str:
        return update.round.slug


class PledgeRoundSerializer(serializers.Serializer):
    round = serializers.CharField(help_text="The round, as “2024-06”.")
    due_on = serializers.DateField()
    state = serializers.ChoiceField(choices=[DONE, DUE, LATE])
    update_id = serializers.IntegerField(
        allow_null=True, help_text="The id of the round's update in `updates`, if reported."
    )


class PledgeSerializer(serializers.ModelSerializer):
    """A pledge. `progress` is what its latest round reported (`not_reported` before any);
    `delivered_amount` what that round reported as delivered so far, in `currency`."""

    organisation = serializers.SerializerMethodField()
    gcm_objectives = serializers.SerializerMethodField()
    activities = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    indicators = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    delivered_amount = serializers.SerializerMethodField()
    rounds = serializers.SerializerMethodField()
    updates = PledgeUpdateSerializer(many=True, read_only=True)

    class Meta:
        model = Pledge
        fields = [
            "id",
            "version",
            "organisation",
            *bilingual("title", "description"),
            "amount",
            "currency",
            *bilingual("in_kind"),
            "gcm_objectives",
            "activities",
            "actions",
            "indicators",
            "visibility",
            "pledged_on",
            "ends_on",
            "progress",
            "delivered_amount",
            "rounds",
            "updates",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_organisation(self, pledge: Pledge) -> str | None:
        org = pledge.organisation  # loaded through the organisations' reader: None if hidden
        return org.code if org is not None else None

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_gcm_objectives(self, pledge: Pledge) -> list[int]:
        return [g.number for g in pledge.gcm_objectives.all()]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_activities(self, pledge: Pledge) -> list[int]:
        return [a.pk for a in pledge.activities.all()]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_actions(self, pledge: Pledge) -> list[int]:
        return [e.pk for e in pledge.actions.all()]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_indicators(self, pledge: Pledge) -> list[int]:
        return [i.pk for i in pledge.indicators.all()]

    @extend_schema_field(
        serializers.ChoiceField(choices=[*PledgeUpdate.Status.values, NOT_REPORTED])
    )
    def get_progress(self, pledge: Pledge) -> str:
        return getattr(pledge, "latest_status", None) or NOT_REPORTED

    @extend_schema_field(serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True))
    def get_delivered_amount(self, pledge: Pledge) -> Any:
        value = getattr(pledge, "latest_delivered", None)
        return None if value is None else f"{value:.2f}"

    @extend_schema_field(PledgeRoundSerializer(many=True))
    def get_rounds(self, pledge: Pledge) -> list[dict[str, Any]]:
        return [
            {
                "round": row.round.slug,
                "due_on": row.round.due,
                "state": row.state,
                "update_id": row.update.pk if row.update else None,
            }
            for row in pledge_rounds(pledge)
        ]
