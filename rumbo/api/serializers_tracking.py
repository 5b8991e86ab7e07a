"""Follow-up over the API: matrix rows, concept notes and progress updates. Writes go
through the same services (and so the same permissions, validation and audit) as the pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from modeltranslation.translator import translator
from rest_framework import serializers

from rumbo.core.i18n import bilingual
from rumbo.organisations.models import Organisation
from rumbo.organisations.selectors import organisations_for
from rumbo.plans.models import Activity
from rumbo.plans.selectors import activities_queryset
from rumbo.tracking.matrix import MatrixRow
from rumbo.tracking.models import ConceptNote, Evidence, ProgressUpdate

if TYPE_CHECKING:
    from rumbo.organisations.models import User


class MatrixRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="activity.pk", read_only=True)
    version = serializers.IntegerField(source="activity.version", read_only=True)
    plan = serializers.CharField(source="activity.plan.code", read_only=True)
    pillar = serializers.CharField(source="pillar.code", allow_null=True, read_only=True)
    topic = serializers.CharField(source="topic.code", allow_null=True, read_only=True)
    code = serializers.CharField(source="activity.code", read_only=True)
    title_es = serializers.CharField(source="activity.title_es", read_only=True)
    title_en = serializers.CharField(source="activity.title_en", read_only=True, allow_null=True)
    indicators_es = serializers.CharField(
        source="activity.indicators_es", read_only=True, allow_null=True
    )
    indicators_en = serializers.CharField(
        source="activity.indicators_en", read_only=True, allow_null=True
    )
    responsible = serializers.CharField(source="responsible_text", read_only=True)
    leads = serializers.SerializerMethodField()
    plan_year = serializers.IntegerField(source="activity.plan_year", allow_null=True)
    end_date = serializers.DateField(source="activity.end_date", allow_null=True)
    status = serializers.ChoiceField(source="activity.status", choices=Activity.Status.choices)
    assumptions_risks_es = serializers.CharField(
        source="activity.assumptions_risks_es", read_only=True, allow_null=True
    )
    assumptions_risks_en = serializers.CharField(
        source="activity.assumptions_risks_en", read_only=True, allow_null=True
    )
    working_group = serializers.CharField(
        source="activity.working_group.code", read_only=True, allow_null=True
    )
    budget_total = serializers.DecimalField(
        max_digits=16, decimal_places=2, read_only=True, allow_null=True
    )
    budget_currency = serializers.CharField(read_only=True)
    overdue = serializers.BooleanField(read_only=True)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_leads(self, row: MatrixRow) -> list[str]:
        return [o.code for o in row.leads]


class MatrixUpdateSerializer(serializers.Serializer):
    """What can be changed on a matrix row; `version` is the row version that was read."""

    version = serializers.IntegerField(min_value=1)
    status = serializers.ChoiceField(choices=Activity.Status.choices, required=False)
    plan_year = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)
    assumptions_risks_es = serializers.CharField(required=False, allow_blank=True)
    assumptions_risks_en = serializers.CharField(required=False, allow_blank=True)
    indicators_es = serializers.CharField(required=False, allow_blank=True)
    indicators_en = serializers.CharField(required=False, allow_blank=True)
    status_reason = serializers.CharField(required=False, allow_blank=True)
    status_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="When the work changed status (today when absent): the semester figures "
        "count the change on this date.",
    )


# The note's translated texts the author writes (the review comments are the reviewer's).
NOTE_TEXT = [
    name
    # `fields` is set on each TranslationOptions class by modeltranslation's metaclass.
    for name in translator.get_options_for_model(ConceptNote).fields  # type: ignore[attr-defined]
    if name != "review_comments"
]


class ConceptNoteSerializer(serializers.ModelSerializer):
    activity = serializers.PrimaryKeyRelatedField(queryset=Activity.objects.none())
    lead_organisations = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Organisation.objects.none(), required=False
    )
    accompanying_organisations = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Organisation.objects.none(), required=False
    )
    missing = serializers.SerializerMethodField()
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="The version that was read; required to change a note (409 if it moved on).",
    )

    class Meta:
        model = ConceptNote
        fields = [
            "id",
            "activity",
            "status",
            *bilingual(*NOTE_TEXT),
            "modality",
            "start_date",
            "end_date",
            "budget_amount",
            "currency",
            "lead_organisations",
            "accompanying_organisations",
            "visibility",
            *bilingual("review_comments"),
            "submitted_at",
            "decided_at",
            "version",
            "missing",
        ]
        read_only_fields = [
            "status",
            *bilingual("review_comments"),
            "submitted_at",
            "decided_at",
        ]
        extra_kwargs = {name: {"required": False} for name in bilingual(*NOTE_TEXT)}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        activity = cast("serializers.PrimaryKeyRelatedField[Activity]", self.fields["activity"])
        # (djangorestframework-stubs types `queryset` with Manager, a descriptor, which mypy
        # then refuses to assign: hence the ignores.)
        activity.queryset = activities_queryset(user)  # type: ignore[arg-type]
        visible = organisations_for(user)
        for name in ("lead_organisations", "accompanying_organisations"):
            relation = cast(serializers.ManyRelatedField, self.fields[name]).child_relation
            relation.queryset = visible  # type: ignore[arg-type]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError(
                {"version": [_("Send the version you read, to change a note.")]}
            )
        return attrs

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_missing(self, note: ConceptNote) -> list[str]:
        from rumbo.tracking.services import missing_fields

        return missing_fields(note)


class NoteReturnSerializer(serializers.Serializer):
    comments = serializers.CharField()


class EvidenceSerializer(serializers.Serializer):
    name = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField(
        help_text="Where to download the file (as visible as its progress update)."
    )

    @extend_schema_field(serializers.CharField())
    def get_url(self, evidence: Evidence) -> str:
        return reverse("evidence_download", kwargs={"pk": evidence.pk})


class ProgressUpdateSerializer(serializers.ModelSerializer):
    activity = serializers.PrimaryKeyRelatedField(queryset=Activity.objects.none())
    evidence = EvidenceSerializer(many=True, read_only=True)
    status_reason = serializers.CharField(write_only=True, required=False, allow_blank=True)
    author: serializers.StringRelatedField[User] = serializers.StringRelatedField()

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "activity",
            "date",
            *bilingual("text"),
            "new_status",
            "visibility",
            "author",
            "evidence",
            "status_reason",
        ]
        extra_kwargs = {"text_en": {"required": False}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        activity = cast("serializers.PrimaryKeyRelatedField[Activity]", self.fields["activity"])
        # (djangorestframework-stubs types `queryset` with Manager, a descriptor, which mypy
        # then refuses to assign: hence the ignores.)
        activity.queryset = activities_queryset(user)  # type: ignore[arg-type]
