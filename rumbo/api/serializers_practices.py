"""Good practices over the API. Linked records given in a request (countries, topics, Global
Compact objectives) are looked up through the readers, as the caller may see them; writes go
through rumbo.practices.services in the views (views_practices), with the pages' permissions,
validation, version checks and audit."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rumbo.core.i18n import bilingual
from rumbo.organisations.models import Organisation
from rumbo.plans.models import GcmObjective, PlanElement
from rumbo.practices.access import can_review, is_own
from rumbo.practices.models import GoodPractice, PracticeFile
from rumbo.practices.selectors import countries_for, gcm_objectives, topics_for

STATES = [*GoodPractice.Status.choices]


def _user(field: serializers.Field) -> Any:
    return getattr(field.context.get("request"), "user", None)


class _CountryField(serializers.SlugRelatedField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="code", queryset=Organisation.objects.none(), **kwargs)

    def get_queryset(self) -> Any:
        return countries_for(_user(self))


class _TopicField(serializers.PrimaryKeyRelatedField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=PlanElement.objects.none(), **kwargs)

    def get_queryset(self) -> Any:
        return topics_for(_user(self))


class _GcmField(serializers.SlugRelatedField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="number", queryset=GcmObjective.objects.none(), **kwargs)

    def get_queryset(self) -> Any:
        return gcm_objectives()


class PracticeFileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = PracticeFile
        fields = ["id", "name", "size", "url"]

    def get_url(self, item: PracticeFile) -> str:
        return reverse("practice_file_download", kwargs={"pk": item.pk})


class GoodPracticeSerializer(serializers.ModelSerializer):
    """A good practice. `status` is what it is now: a practice scheduled for a date that has
    come reads `published`. The review's comments and the submitter are shown only to the
    practice's organisation and the secretariat."""

    status = serializers.SerializerMethodField()
    published = serializers.SerializerMethodField()
    organisation = serializers.SerializerMethodField()
    countries = _CountryField(many=True, required=False, help_text="ISO 3166-1 alpha-3 codes")
    topics = _TopicField(many=True, required=False, help_text="ids of strategic-plan topics")
    gcm_objectives = _GcmField(many=True, required=False, help_text="numbers 1 to 23")
    files = PracticeFileSerializer(many=True, read_only=True)
    # Checked as a web address by the model when saved (a blank one is no link).
    link = serializers.CharField(
        max_length=500, required=False, allow_blank=True, help_text="https://…, or empty"
    )
    review_comments = serializers.SerializerMethodField()
    submitted_by = serializers.SerializerMethodField()
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="The version that was read; required to change a practice (409 if it moved on).",
    )

    class Meta:
        model = GoodPractice
        fields = [
            "id",
            "version",
            "status",
            "published",
            "publish_on",
            *bilingual("title", "summary"),
            "countries",
            "topics",
            "gcm_objectives",
            "gender_perspective",
            *bilingual("gender_notes"),
            "link",
            "organisation",
            "submitted_by",
            "submitted_at",
            "review_comments",
            "files",
        ]
        read_only_fields = ["publish_on", "submitted_at"]
        extra_kwargs = {
            name: {"required": False, "allow_blank": True, "allow_null": True}
            for name in bilingual("title", "summary", "gender_notes")
        }

    def _insider(self, practice: GoodPractice) -> bool:
        user = _user(self)
        return can_review(user) or is_own(user, practice)

    @extend_schema_field(serializers.ChoiceField(choices=STATES))
    def get_status(self, practice: GoodPractice) -> str:
        return GoodPractice.Status.PUBLISHED if practice.is_published() else practice.status

    def get_published(self, practice: GoodPractice) -> bool:
        return practice.is_published()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_organisation(self, practice: GoodPractice) -> str | None:
        org = practice.organisation  # loaded through the organisations' reader: None if hidden
        return org.code if org is not None else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_submitted_by(self, practice: GoodPractice) -> str | None:
        return practice.submitted_by.get_username() if self._insider(practice) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_review_comments(self, practice: GoodPractice) -> str | None:
        return practice.review_comments if self._insider(practice) else None


class PracticeSubmitSerializer(GoodPracticeSerializer):
    organisation_code = serializers.CharField(
        required=False,
        write_only=True,
        help_text="The secretariat only: the organisation the practice is submitted for.",
    )

    class Meta(GoodPracticeSerializer.Meta):
        fields = [*GoodPracticeSerializer.Meta.fields, "organisation_code"]


class PracticeStepSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="The version that was read.")


class PracticeReturnSerializer(PracticeStepSerializer):
    comments = serializers.CharField(help_text="What needs to change.")


class PracticeScheduleSerializer(PracticeStepSerializer):
    publish_on = serializers.DateField(help_text="The date from which the practice is public.")
