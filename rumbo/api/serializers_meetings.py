"""Meetings over the API: read as the viewer may see them; written through the same services
(permissions, version checks, audit) as the pages."""

from __future__ import annotations

from typing import Any, cast

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rumbo.core.i18n import bilingual
from rumbo.meetings.models import Meeting, MeetingDocument
from rumbo.meetings.services import AgendaEntry, ParticipantEntry
from rumbo.organisations.models import Body, Organisation
from rumbo.organisations.selectors import bodies_for, organisations_for

MEETING_TEXT = ("title", "place", "participants_note", "minutes", "source")


class AgendaItemSerializer(serializers.Serializer):
    title_es = serializers.CharField(max_length=500)
    title_en = serializers.CharField(max_length=500, required=False, allow_blank=True)
    proposed = serializers.BooleanField(required=False, default=False)


class ParticipationSerializer(serializers.Serializer):
    organisation = serializers.SlugRelatedField(
        slug_field="code", queryset=Organisation.objects.none()
    )
    women = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    men = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    non_binary = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    not_stated = serializers.IntegerField(min_value=0, required=False, allow_null=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        field = cast("serializers.SlugRelatedField[Organisation]", self.fields["organisation"])
        field.queryset = organisations_for(getattr(request, "user", None))  # type: ignore[arg-type]


class MeetingDocumentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = MeetingDocument
        fields = ["id", "name", "size", "uploaded_at", "url"]

    def get_url(self, doc: MeetingDocument) -> str:
        return reverse("meeting_document_download", kwargs={"pk": doc.pk})


class MeetingSerializer(serializers.ModelSerializer):
    body = serializers.SlugRelatedField(
        slug_field="code", queryset=Body.objects.none(), allow_null=True, required=False
    )
    code = serializers.CharField(
        read_only=True, help_text="The key of a meeting that ships with the seed data, else empty."
    )
    agenda = AgendaItemSerializer(many=True, required=False)
    participants = ParticipationSerializer(many=True, required=False)
    documents = MeetingDocumentSerializer(many=True, read_only=True)
    dates = serializers.SerializerMethodField()
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="The version that was read; required to change a meeting (409 if it moved on).",
    )

    class Meta:
        model = Meeting
        fields = [
            "id",
            "code",
            "body",
            "kind",
            *bilingual(*MEETING_TEXT),
            "status",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
            "dates",
            "modality",
            "visibility",
            "agenda",
            "participants",
            "documents",
            "version",
        ]
        read_only_fields = ["code"]
        extra_kwargs = {name: {"required": False} for name in bilingual(*MEETING_TEXT)}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        body = cast("serializers.SlugRelatedField[Body]", self.fields["body"])
        body.queryset = bodies_for(getattr(request, "user", None))  # type: ignore[arg-type]

    @extend_schema_field(serializers.CharField())
    def get_dates(self, meeting: Meeting) -> str:
        """The dates at the precision they were given, in the request's language."""
        return meeting.dates_label()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError(
                {"version": [_("Send the version you read to change a meeting.")]}
            )
        if self.instance is None and not attrs.get("title_es") and not attrs.get("title_en"):
            raise serializers.ValidationError({"title_es": [_("This field is required.")]})
        return attrs

    def parts(self) -> tuple[list[AgendaEntry] | None, list[ParticipantEntry] | None]:
        """The agenda and participants sent (None: not sent, left as they are)."""
        data = self.validated_data
        agenda = data.get("agenda")
        people = data.get("participants")
        return (
            None
            if agenda is None
            else [
                AgendaEntry(a["title_es"], a.get("title_en", ""), a.get("proposed", False))
                for a in agenda
            ],
            None
            if people is None
            else [
                ParticipantEntry(
                    organisation=p["organisation"],
                    women=p.get("women"),
                    men=p.get("men"),
                    non_binary=p.get("non_binary"),
                    not_stated=p.get("not_stated"),
                )
                for p in people
            ],
        )

    def meeting_data(self) -> dict[str, Any]:
        skip = {"agenda", "participants", "version"}
        return {k: v for k, v in self.validated_data.items() if k not in skip}
