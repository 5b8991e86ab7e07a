"""Expected results of a plan, the indicators that measure them and how each is designed:
unit, direction, time basis, disaggregations, baseline and targets. A design change is kept
as a numbered revision, so values entered under an earlier design stay readable."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rumbo.core.models import VersionedModel
from rumbo.core.visibility import Visibility, clearance_of

from ..periods import FREQUENCIES

_M = TypeVar("_M", bound=models.Model)

NUMBER: dict[str, Any] = {"max_digits": 20, "decimal_places": 4, "null": True, "blank": True}


class PlanVisibleQuerySet(models.QuerySet[_M]):
    """Results are as visible as their plan."""

    def visible_to(self, user: Any) -> Self:
        return self.filter(plan__visibility__lte=clearance_of(user))


class IndicatorQuerySet(models.QuerySet["Indicator"]):
    """An indicator is shown at its own level, and never above what it measures: its plan,
    and the element or activity it is attached to."""

    def visible_to(self, user: Any) -> Self:
        return self.for_clearance(clearance_of(user))

    def for_clearance(self, clearance: int) -> Self:
        return self.filter(
            Q(visibility__lte=clearance),
            Q(plan__visibility__lte=clearance),
            Q(element__isnull=True) | Q(element__effective_visibility__lte=clearance),
            Q(activity__isnull=True) | Q(activity__effective_visibility__lte=clearance),
        )


if TYPE_CHECKING:
    from django_stubs_ext.db.models.manager import RelatedManager

    PlanVisibleManager = models.Manager.from_queryset(PlanVisibleQuerySet)
    IndicatorManager = models.Manager.from_queryset(IndicatorQuerySet)


class ExpectedResult(models.Model):
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="results")
    code = models.CharField(_("code"), max_length=20)
    order = models.PositiveIntegerField(_("order"), default=0)
    text = models.TextField(_("expected result"))

    objects: ClassVar[PlanVisibleManager[ExpectedResult]] = PlanVisibleQuerySet.as_manager()
    if TYPE_CHECKING:
        # The per-language columns modeltranslation adds (translation.py); its
        # managers are built at run time, so the default one is declared too.
        text_es: str | None
        text_en: str | None
        _default_manager: ClassVar[PlanVisibleManager[ExpectedResult]]

    class Meta:
        ordering = ["plan", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="unique_result_code_in_plan")
        ]
        verbose_name = _("expected result")
        verbose_name_plural = _("expected results")

    def __str__(self) -> str:
        return f"{self.code} {self.text}"[:200]


class Dimension(models.Model):
    """A way of breaking a value down (sex, age group, migratory status...). The country is
    not one: every value already belongs to a country, or to the region."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects: ClassVar[models.Manager[Dimension]] = models.Manager()
    if TYPE_CHECKING:
        name_es: str | None
        name_en: str | None
        categories: RelatedManager[Category]
        _default_manager: ClassVar[models.Manager[Dimension]]

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("disaggregation")
        verbose_name_plural = _("disaggregations")

    def __str__(self) -> str:
        return self.name

    def audit_extra(self) -> dict[str, list[list[Any]]]:
        """Its categories belong to its audited content (edited with it in the admin)."""
        rows = self.categories.order_by("order", "code").values_list(
            "code", "name_es", "name_en", "order", "active"
        )
        return {"categories": [list(row) for row in rows]}


class Category(models.Model):
    """One category of a dimension (women, men, non-binary, not stated). Never deleted while
    a value uses it: a retired category stays readable under the values entered with it."""

    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="categories")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    objects: ClassVar[models.Manager[Category]] = models.Manager()
    if TYPE_CHECKING:
        name_es: str | None
        name_en: str | None
        _default_manager: ClassVar[models.Manager[Category]]

    class Meta:
        ordering = ["dimension", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="unique_category_code")
        ]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Indicator(VersionedModel):
    class Kind(models.TextChoices):
        RESULT = "result", _("Result indicator")
        PROCESS = "process", _("Process indicator")
        IMPACT = "impact", _("Impact indicator")
        OUTPUT = "output", _("Output indicator")

    class Unit(models.TextChoices):
        COUNT = "count", _("Number")
        PERCENT = "percent", _("Percentage (numerator and denominator)")
        MONEY = "money", _("Amount of money")
        YES_NO = "yes_no", _("Yes or no")
        TEXT = "text", _("Qualitative (text)")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Higher is better")
        DECREASE = "decrease", _("Lower is better")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("Sum")
        AVERAGE = "average", _("Average")
        LATEST = "latest", _("Latest value")

    class Reporter(models.TextChoices):
        COUNTRIES = "countries", _("Each member country (its focal points)")
        SECRETARIAT = "secretariat", _("The Executive Secretariat")
        COMPUTED = "computed", _("Computed by Rumbo from its records")

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="indicators")
    result = models.ForeignKey(
        ExpectedResult,
        verbose_name=_("expected result"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    element = models.ForeignKey(
        "plans.PlanElement",
        verbose_name=_("plan element"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="measured_by",
    )
    activity = models.ForeignKey(
        "plans.Activity",
        verbose_name=_("activity"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="measured_by",
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=20)
    order = models.PositiveIntegerField(_("order"), default=0)
    name = models.TextField(_("indicator"))
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices, default=Unit.COUNT)
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO code, e.g. USD."))],
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    cumulative = models.BooleanField(
        _("cumulative"),
        default=False,
        help_text=_("The figure to date adds up the values of every period so far."),
    )
    aggregation = models.CharField(
        _("combined as"),
        max_length=10,
        choices=Aggregation.choices,
        default=Aggregation.SUM,
        help_text=_(
            "How the values of the countries, and of the periods, make one figure. "
            "A percentage is always recomputed from its numerators and denominators."
        ),
    )
    frequency = models.CharField(_("reported"), max_length=10, choices=FREQUENCIES, default="year")
    reported_by = models.CharField(
        _("who reports"), max_length=20, choices=Reporter.choices, blank=True
    )
    rule = models.CharField(
        _("computed from"),
        max_length=60,
        blank=True,
        help_text=_("For a computed indicator: the rule that counts Rumbo's own records."),
    )
    dimensions = models.ManyToManyField(
        Dimension, verbose_name=_("disaggregations"), blank=True, related_name="indicators"
    )
    baseline_value = models.DecimalField(_("baseline"), **NUMBER)
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    means_of_verification = models.TextField(_("means of verification"), blank=True)
    visibility = models.PositiveSmallIntegerField(
        _("visible to"), choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # The number of the current design (see IndicatorDesign); values keep the one they
    # were entered under.
    design = models.PositiveIntegerField(_("design"), default=1, editable=False)

    objects: ClassVar[IndicatorManager] = IndicatorQuerySet.as_manager()
    if TYPE_CHECKING:
        # The per-language columns modeltranslation adds (translation.py); its
        # managers are built at run time, so the default one is declared too.
        name_es: str | None
        name_en: str | None
        means_of_verification_es: str | None
        means_of_verification_en: str | None
        _default_manager: ClassVar[IndicatorManager]

    class Meta:
        ordering = ["plan", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="unique_indicator_code_in_plan")
        ]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"[:200]

    @property
    def is_computed(self) -> bool:
        return bool(self.rule)

    @property
    def effective_visibility(self) -> int:
        """Its own level, and never below what it measures (the audit log records this)."""
        levels = [int(self.visibility), int(self.plan.visibility)]
        for linked in (self.element, self.activity):
            if linked is not None:
                levels.append(int(linked.effective_visibility))
        return max(levels)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.result_id and self.result and self.result.plan_id != self.plan_id:
            errors["result"] = _("The result must belong to the same plan.")
        if self.element_id and self.element and self.element.plan_id != self.plan_id:
            errors["element"] = _("The element must belong to the same plan.")
        if self.activity_id and self.activity and self.activity.plan_id != self.plan_id:
            errors["activity"] = _("The activity must belong to the same plan.")
        if self.unit == self.Unit.MONEY and not self.currency:
            errors["currency"] = _("An amount of money needs its currency.")
        if self.unit != self.Unit.MONEY and self.currency:
            errors["currency"] = _("Only an amount of money has a currency.")
        if (self.reported_by == self.Reporter.COMPUTED) != bool(self.rule):
            errors["rule"] = _("A computed indicator names its rule, and only it does.")
        if self.cumulative and self.unit in (self.Unit.PERCENT, self.Unit.YES_NO, self.Unit.TEXT):
            errors["cumulative"] = _("Only numbers and amounts of money add up over time.")
        if errors:
            raise ValidationError(errors)


# What a design is made of: a change to any of these is a new design revision.
DESIGN_FIELDS = ("unit", "currency", "cumulative", "aggregation", "frequency", "dimensions")


class IndicatorDesign(models.Model):
    """One revision of an indicator's design, as it stood from `created_at` on: the values
    entered under it are read with it, whatever the design became later."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="designs")
    number = models.PositiveIntegerField(_("design"))
    # {"unit":..., "dimensions": [{"code", "name_es", "name_en", "categories": [...]}], ...}
    snapshot = models.JSONField(_("design"), default=dict)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("from"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["indicator", "number"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "number"], name="unique_design_number")
        ]
        verbose_name = _("indicator design")
        verbose_name_plural = _("indicator designs")

    def __str__(self) -> str:
        return f"{self.indicator.code} v{self.number}"


class Target(models.Model):
    """What an indicator aims at for a period (or the whole plan), for the region or for
    one country. For a cumulative indicator, a target is the total to date."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    period = models.CharField(_("period"), max_length=10)
    country = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    value = models.DecimalField(_("target"), max_digits=20, decimal_places=4)

    class Meta:
        ordering = ["indicator", "period", "country"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "country"], name="unique_target_per_country"
            ),
            models.UniqueConstraint(
                fields=["indicator", "period"],
                condition=Q(country__isnull=True),
                name="unique_regional_target",
            ),
        ]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}: {self.value}"
