"""Indicators over the API: their design and targets, their values and their review, and the
figures the dashboards show. Related records given in a request (a plan, a country, a
dimension) are looked up through the readers, as the caller may see them; writes go through
rumbo.indicators.services in the views (views_indicators), with the pages' permissions,
validation, version checks and audit."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rumbo.core.i18n import bilingual
from rumbo.indicators import computed, periods
from rumbo.indicators.aggregation import Figure
from rumbo.indicators.cell import Cell
from rumbo.indicators.models import Dimension, Indicator, Measurement, MeasurementFile
from rumbo.indicators.selectors import dimensions_for, indicators_for
from rumbo.organisations.models import Organisation
from rumbo.organisations.selectors import organisations_for
from rumbo.plans.models import Activity, Plan, PlanElement
from rumbo.plans.selectors import activities_queryset, elements_for, plans_for

from .serializers_tracking import EvidenceSerializer

NUMBER: dict[str, Any] = {"max_digits": 20, "decimal_places": 4}
OPTIONAL_NUMBER: dict[str, Any] = {**NUMBER, "required": False, "allow_null": True}
# Figures add values up: no limit on their digits.
FIGURE: dict[str, Any] = {"max_digits": None, "decimal_places": 4}


def _user(field: serializers.Field) -> Any:
    return getattr(field.context.get("request"), "user", None)


def period_code(text: str) -> str:
    """The code of the period `text` names ("2024-q3" -> "2024-Q3"), or a ValidationError."""
    try:
        return periods.parse(text).code
    except ValueError as exc:  # PeriodError, or a year the calendar does not have ("0000")
        message = str(exc) if isinstance(exc, periods.PeriodError) else ""
        raise serializers.ValidationError(
            message
            or _("“%(code)s” is not a period: write 2024, 2024-S1 or 2024-Q3.") % {"code": text}
        ) from exc


# Related records, as the caller may see them -------------------------------------------------
class VisibleCountryField(serializers.SlugRelatedField):
    """A member country by its ISO 3166-1 alpha-3 code (null: the region)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "help_text", "ISO 3166-1 alpha-3 code of a member country; null: the region."
        )
        super().__init__(slug_field="code", queryset=Organisation.objects.none(), **kwargs)

    def get_queryset(self) -> Any:
        return organisations_for(_user(self)).filter(kind=Organisation.Kind.MEMBER_STATE)


class VisiblePlanField(serializers.SlugRelatedField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="code", queryset=Plan.objects.none(), **kwargs)

    def get_queryset(self) -> Any:
        return plans_for(_user(self))


class VisibleIndicatorField(serializers.PrimaryKeyRelatedField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Indicator.objects.none(), **kwargs)

    def get_queryset(self) -> Any:
        return indicators_for(_user(self))


class VisibleElementField(serializers.PrimaryKeyRelatedField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=PlanElement.objects.none(), **kwargs)

    def get_queryset(self) -> Any:
        return elements_for(_user(self))


class VisibleActivityField(serializers.PrimaryKeyRelatedField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Activity.objects.none(), **kwargs)

    def get_queryset(self) -> Any:
        return activities_queryset(_user(self))


class DimensionField(serializers.SlugRelatedField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="code", queryset=Dimension.objects.none(), **kwargs)

    def get_queryset(self) -> Any:
        return dimensions_for(_user(self))


# Indicators -----------------------------------------------------------------------------------
class CategorySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name_es = serializers.CharField(read_only=True, allow_null=True)
    name_en = serializers.CharField(read_only=True, allow_null=True)
    active = serializers.BooleanField(read_only=True)


class DimensionSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name_es = serializers.CharField(read_only=True, allow_null=True)
    name_en = serializers.CharField(read_only=True, allow_null=True)
    categories = CategorySerializer(many=True, read_only=True)


class TargetSerializer(serializers.Serializer):
    """One target: a period (or "plan", the whole plan), the region or one country."""

    period = serializers.CharField(max_length=10)
    country = VisibleCountryField(allow_null=True, required=False, default=None)
    value = serializers.DecimalField(**NUMBER)

    def validate_period(self, value: str) -> str:
        return (
            periods.WHOLE_PLAN
            if value.strip().lower() == periods.WHOLE_PLAN
            else period_code(value)
        )


@extend_schema_field({"type": "string", "maxLength": 20})
class ResultCodeField(serializers.Field):
    """An expected result of the indicator's plan, by its code (resolved by the serializer,
    which knows the plan)."""

    def to_representation(self, value: Any) -> str:
        return str(value.code)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str) or len(data) > 20:
            raise serializers.ValidationError(_("Give the code of an expected result."))
        return data.strip()


class IndicatorSerializer(serializers.ModelSerializer):
    """An indicator and its design. Created by the editors of its plan; changed with the
    `version` that was read (409 if it moved on) and, when the design changes once values
    exist, a `reason` kept in the audit log. A design change never deletes a value."""

    plan = VisiblePlanField(help_text="plan code")
    result = ResultCodeField(
        required=False, allow_null=True, help_text="code of an expected result of the plan"
    )
    element = VisibleElementField(required=False, allow_null=True)
    activity = VisibleActivityField(required=False, allow_null=True)
    rule = serializers.ChoiceField(
        choices=[],
        required=False,
        allow_blank=True,
        help_text="For a computed indicator: the rule that counts Rumbo's own records.",
    )
    rule_text = serializers.SerializerMethodField(
        help_text="How a computed indicator is counted (empty for a reported one)."
    )
    dimension_codes = DimensionField(
        source="dimensions",
        many=True,
        required=False,
        help_text="The disaggregations, by code (sex, age...).",
    )
    dimensions = DimensionSerializer(many=True, read_only=True)
    targets = TargetSerializer(many=True, read_only=True)
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="The version that was read; required to change an indicator (409 if it "
        "moved on).",
    )
    reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        help_text="Why the design changes, once values were reported under it.",
    )

    class Meta:
        model = Indicator
        fields = [
            "id",
            "plan",
            "result",
            "element",
            "activity",
            "kind",
            "code",
            "order",
            *bilingual("name"),
            "unit",
            "currency",
            "direction",
            "cumulative",
            "aggregation",
            "frequency",
            "reported_by",
            "rule",
            "rule_text",
            "dimension_codes",
            "dimensions",
            "baseline_value",
            "baseline_date",
            *bilingual("means_of_verification"),
            "visibility",
            "design",
            "targets",
            "version",
            "reason",
        ]
        read_only_fields = ["design"]
        extra_kwargs = {"name_en": {"required": False}}
        validators: list[Any] = []  # the model's constraints: checked by the service

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Rules are registered by the apps when they are ready.
        rule = self.fields["rule"]
        if isinstance(rule, serializers.ChoiceField):
            rule.choices = computed.rule_choices()

    def get_rule_text(self, indicator: Indicator) -> str:
        return computed.rule_text(indicator.rule) if indicator.rule else ""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        plan = attrs.get("plan")
        if isinstance(self.instance, Indicator):
            if "version" not in attrs:
                raise serializers.ValidationError(
                    {"version": [_("Send the version you read, to change an indicator.")]}
                )
            if plan is not None and plan.pk != self.instance.plan_id:
                raise serializers.ValidationError(
                    {"plan": [_("An indicator stays in the plan it belongs to.")]}
                )
            plan = self.instance.plan
        if "result" in attrs:
            code = attrs["result"]
            found = plan.results.filter(code=code).first() if code and plan else None
            if code and found is None:
                raise serializers.ValidationError(
                    {"result": [_("This plan has no expected result with that code.")]}
                )
            attrs["result"] = found
        return attrs


class TargetTableSerializer(serializers.Serializer):
    """An indicator's whole target table. Sent with PUT, it replaces the table: a target left
    out is removed. Changing or removing a target already set needs a `reason`."""

    version = serializers.IntegerField(
        min_value=1, help_text="The indicator's version that was read (409 if it moved on)."
    )
    targets = TargetSerializer(many=True)
    reason = serializers.CharField(required=False, allow_blank=True, write_only=True)

    def validate_targets(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        seen: set[tuple[str, int | None]] = set()
        for row in rows:
            key = (row["period"], row["country"].pk if row["country"] else None)
            if key in seen:
                raise serializers.ValidationError(
                    _("%(period)s has two targets for the same place.") % {"period": row["period"]}
                )
            seen.add(key)
        return rows


# Values ---------------------------------------------------------------------------------------
class PartSerializer(serializers.Serializer):
    """One category's share of a value: `value`, or `numerator` and `denominator` for a
    percentage."""

    dimension = serializers.CharField(source="category.dimension.code", max_length=40)
    category = serializers.CharField(source="category.code", max_length=40)
    value = serializers.DecimalField(**OPTIONAL_NUMBER)
    numerator = serializers.DecimalField(**OPTIONAL_NUMBER)
    denominator = serializers.DecimalField(**OPTIONAL_NUMBER)


class MeasurementFileSerializer(EvidenceSerializer):
    """An evidence file of a value (as visible as the value)."""

    url = serializers.SerializerMethodField(
        help_text="Where to download the file (as visible as its value)."
    )

    @extend_schema_field(serializers.CharField())
    def get_url(self, evidence: MeasurementFile) -> str:  # type: ignore[override]
        return reverse("measurement_file_download", kwargs={"pk": evidence.pk})


# What a value holds that its reporter writes (besides its breakdown and files).
VALUE_CONTENT = (
    "value",
    "numerator",
    "denominator",
    "text",
    "evidence",
    "comment",
    "breakdown_note",
)


class MeasurementSerializer(serializers.ModelSerializer):
    indicator = serializers.IntegerField(source="indicator_id", read_only=True)
    plan = serializers.CharField(source="indicator.plan.code", read_only=True)
    period_label = serializers.SerializerMethodField()
    country = serializers.CharField(
        source="country.code", read_only=True, allow_null=True, help_text="null: the region"
    )
    parts = PartSerializer(many=True, read_only=True)
    files = MeasurementFileSerializer(
        many=True, read_only=True, help_text="Evidence files: name, size, download URL."
    )

    class Meta:
        model = Measurement
        fields = [
            "id",
            "indicator",
            "plan",
            "period",
            "period_label",
            "country",
            "status",
            *VALUE_CONTENT,
            "parts",
            "files",
            "review_comment",
            "design",
            "submitted_at",
            "decided_at",
            "version",
        ]
        read_only_fields = fields

    def get_period_label(self, measurement: Measurement) -> str:
        return periods.parse(measurement.period).label()


class PartInputSerializer(serializers.Serializer):
    dimension = serializers.CharField(max_length=40, help_text="dimension code, e.g. sex")
    category = serializers.CharField(max_length=40, help_text="category code, e.g. women")
    value = serializers.DecimalField(**OPTIONAL_NUMBER)
    numerator = serializers.DecimalField(**OPTIONAL_NUMBER)
    denominator = serializers.DecimalField(**OPTIONAL_NUMBER)


class ValueChangeCheckSerializer(serializers.Serializer):
    """What every change of a value sends besides the change: the version that was read, and
    why, where a reason is needed."""

    version = serializers.IntegerField(
        min_value=1, help_text="The value's version that was read (409 if it moved on)."
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Why an approved value, or one in a locked period, changes.",
    )


class MeasurementChangeSerializer(ValueChangeCheckSerializer):
    """A value's figures and notes. A percentage is given by `numerator` and `denominator`
    (its `value` is computed); a number, an amount or yes/no (1/0) by `value`; a qualitative
    value by `text`. `parts` is the breakdown by the indicator's disaggregations."""

    value = serializers.DecimalField(**OPTIONAL_NUMBER)
    numerator = serializers.DecimalField(**OPTIONAL_NUMBER)
    denominator = serializers.DecimalField(**OPTIONAL_NUMBER)
    text = serializers.CharField(required=False, allow_blank=True)
    evidence = serializers.CharField(required=False, allow_blank=True)
    comment = serializers.CharField(required=False, allow_blank=True)
    breakdown_note = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Why the breakdown does not add up to the total, when it does not.",
    )
    parts = PartInputSerializer(many=True, required=False)

    def validate_parts(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        categories = {
            (dim.code, cat.code): cat.pk
            for dim in dimensions_for(_user(self))
            for cat in dim.categories.all()
        }
        out: list[dict[str, Any]] = []
        for row in rows:
            cid = categories.get((row["dimension"], row["category"]))
            if cid is None:
                raise serializers.ValidationError(
                    _("%(dimension)s/%(category)s is not a category of a disaggregation.")
                    % {"dimension": row["dimension"], "category": row["category"]}
                )
            if any(cid == seen["category_id"] for seen in out):
                raise serializers.ValidationError(
                    _("%(dimension)s/%(category)s is given twice.")
                    % {"dimension": row["dimension"], "category": row["category"]}
                )
            out.append({**row, "category_id": cid})
        return out


class MeasurementInputSerializer(MeasurementChangeSerializer):
    """A value to record, or to correct, for one indicator, period and country. Correcting a
    value already recorded there needs the `version` that was read."""

    indicator = VisibleIndicatorField()
    period = serializers.CharField(max_length=10, help_text="2024, 2024-S1 or 2024-Q3")
    country = VisibleCountryField(allow_null=True, required=False, default=None)
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="The version that was read; required to correct a value already recorded.",
    )

    def validate_period(self, value: str) -> str:
        return period_code(value)


class MeasurementFileEntrySerializer(MeasurementFileSerializer):
    """An evidence file of a value, with the id that removes it."""

    id = serializers.IntegerField(read_only=True)


class MeasurementFilesSerializer(serializers.Serializer):
    """A value's evidence files, and the value's version to send with a change of them."""

    version = serializers.IntegerField(help_text="The value's version.")
    files = MeasurementFileEntrySerializer(many=True)


class MeasurementFilesRemoveSerializer(ValueChangeCheckSerializer):
    """Files of a value to take off it (`remove_files`, by id), with the `version` of the
    value that was read. A change of the value like any other: under its rules (a country's
    change to a submitted value takes it back to draft; in a locked period only the
    secretariat, giving a `reason`) and audited."""

    remove_files = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        help_text="Ids of the value's files to remove.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("files") and not attrs.get("remove_files"):
            field = "files" if "files" in self.fields else "remove_files"
            raise serializers.ValidationError(
                {field: [_("Send files to attach, or the ids of files to remove.")]}
            )
        return attrs


class MeasurementFilesUploadSerializer(MeasurementFilesRemoveSerializer):
    """Files to attach to a value (`files`), and files of it to remove (`remove_files`), in
    one change of the value. All or nothing: a file refused (over 20 MB, or not one of the
    value's) changes nothing and leaves no file behind."""

    files = serializers.ListField(
        child=serializers.FileField(max_length=255),
        required=False,
        help_text="Files to attach as the value's evidence (20 MB at most each).",
    )


class ReviewSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="The version that was read (409 if it moved on)."
    )


class ReturnSerializer(ReviewSerializer):
    comments = serializers.CharField(help_text="What needs to change.")


# Figures --------------------------------------------------------------------------------------
class CellSerializer(serializers.Serializer):
    value = serializers.DecimalField(**FIGURE, allow_null=True)
    numerator = serializers.DecimalField(**FIGURE, allow_null=True)
    denominator = serializers.DecimalField(**FIGURE, allow_null=True)
    reporting = serializers.IntegerField(help_text="How many values make the figure.")


class PeriodCellSerializer(CellSerializer):
    period = serializers.CharField()
    # A declared field (the serializer's metaclass collects it), not Field.label.
    label = serializers.CharField()  # type: ignore[assignment]


class PeriodFigureSerializer(PeriodCellSerializer):
    target = serializers.DecimalField(**FIGURE, allow_null=True)
    achieved = serializers.DecimalField(
        **FIGURE, allow_null=True, help_text="% of the way to the period's target."
    )


class PeriodTargetSerializer(serializers.Serializer):
    period = serializers.CharField()
    value = serializers.DecimalField(**FIGURE)


class BreakdownSerializer(serializers.Serializer):
    dimension = serializers.CharField()
    category = serializers.CharField()
    periods = PeriodCellSerializer(many=True)
    total = CellSerializer()


class FigureSerializer(serializers.Serializer):
    """An indicator's figures as the caller may see them (approved values only): by period
    and for the whole plan, against the targets, and by category."""

    indicator = serializers.IntegerField()
    code = serializers.CharField()
    plan = serializers.CharField()
    unit = serializers.CharField()
    country = serializers.CharField(allow_null=True, help_text="null: the region")
    periods = PeriodFigureSerializer(many=True)
    total = CellSerializer()
    targets = PeriodTargetSerializer(many=True)
    target_total = serializers.DecimalField(**FIGURE, allow_null=True)
    achieved = serializers.DecimalField(
        **FIGURE, allow_null=True, help_text="% of the way from the baseline to the plan's target."
    )
    breakdown = BreakdownSerializer(many=True)
    rule_text = serializers.CharField(help_text="How a computed figure is counted.")


def _cell(cell: Cell) -> dict[str, Any]:
    return {
        "value": cell.value,
        "numerator": cell.numerator,
        "denominator": cell.denominator,
        "reporting": cell.reporting,
    }


def figure_data(figure: Figure, country: Organisation | None) -> dict[str, Any]:
    """A Figure as FigureSerializer gives it: every period of the plan in order (with no
    value: reporting 0), and the breakdown as one row per dimension and category."""
    indicator = figure.indicator
    return {
        "indicator": indicator.pk,
        "code": indicator.code,
        "plan": indicator.plan.code,
        "unit": indicator.unit,
        "country": country.code if country else None,
        "periods": [
            {
                "period": p.code,
                "label": p.label(),
                **_cell(figure.region.get(p.code, Cell())),
                "target": figure.targets.get(p.code),
                "achieved": figure.achieved_in(p.code),
            }
            for p in figure.periods
        ],
        "total": _cell(figure.total),
        "targets": [
            {"period": code, "value": value}
            for code, value in sorted(figure.targets.items(), key=lambda t: periods.sort_key(t[0]))
        ],
        "target_total": figure.target_total,
        "achieved": figure.achieved,
        "breakdown": [
            {
                "dimension": dimension,
                "category": category,
                "periods": [
                    {"period": p.code, "label": p.label(), **_cell(cells[p.code])}
                    for p in figure.periods
                    if p.code in cells
                ],
                "total": _cell(figure.breakdown_total.get(dimension, {}).get(category, Cell())),
            }
            for dimension, categories in figure.breakdown.items()
            for category, cells in categories.items()
        ],
        "rule_text": figure.rule_text,
    }
