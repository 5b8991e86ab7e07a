"""Plans, their texts and their element tree."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rumbo.core.models import VersionedModel
from rumbo.core.visibility import Visibility, VisibleQuerySet

from .base import PlanContent

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from rumbo.core.visibility import EffectiveVisibleManager, VisibleManager

YEAR_VALIDATORS = [MinValueValidator(1990), MaxValueValidator(2100)]


class Plan(VersionedModel):
    class Kind(models.TextChoices):
        STRATEGIC = "strategic", _("Strategic plan")
        ACTION = "action", _("Action plan")
        OPERATIONAL = "operational", _("Operational plan")
        WORKING_GROUP = "working_group", _("Working-group plan")
        PPT_ANNUAL = "ppt_annual", _("Presidency Pro-Tempore annual plan")
        PARTNER = "partner", _("Partner work plan")

    class Status(models.TextChoices):
        NOT_REPORTED = "not_reported", _("Not reported")
        DRAFT = "draft", _("Draft")
        CONSULTATION = "consultation", _("In consultation")
        ENDORSED = "endorsed", _("Endorsed")
        APPROVED = "approved", _("Approved")
        CLOSED = "closed", _("Closed")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    short_title = models.CharField(_("short title"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    source = models.TextField(_("source document"), blank=True)
    period_start = models.PositiveSmallIntegerField(_("first year"), validators=YEAR_VALIDATORS)
    period_end = models.PositiveSmallIntegerField(_("last year"), validators=YEAR_VALIDATORS)
    owner_body = models.ForeignKey(
        "organisations.Body",
        verbose_name=_("owner body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
    )
    owner_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("owner organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subplans",
    )
    document_version = models.CharField(_("document version"), max_length=20, default="1")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # What the source says of the status, in its words ("avalado ... y recomendado para su
    # aprobación"): a status is a summary, this is the record.
    status_note = models.TextField(_("status (as written)"), blank=True)
    visibility = models.PositiveSmallIntegerField(
        _("visible to"), choices=Visibility.choices, default=Visibility.MEMBERS
    )
    # Names of the element tree's levels, top first: [{"es": "Pilar", "en": "Pillar"}, ...]
    levels = models.JSONField(_("level names"), default=list, blank=True)

    objects: ClassVar[VisibleManager[Plan]] = VisibleQuerySet.as_manager()
    if TYPE_CHECKING:
        # The per-language columns modeltranslation adds (translation.py); its
        # managers are built at run time, so the default one is declared too.
        title_es: str | None
        title_en: str | None
        short_title_es: str | None
        short_title_en: str | None
        description_es: str | None
        description_en: str | None
        source_es: str | None
        source_en: str | None
        status_note_es: str | None
        status_note_en: str | None
        _default_manager: ClassVar[VisibleManager[Plan]]

    class Meta:
        ordering = ["-period_start", "code"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return self.short_title or self.title

    @property
    def period_label(self) -> str:
        return f"{self.period_start}–{self.period_end}"

    @property
    def plan_years(self) -> int:
        return self.period_end - self.period_start + 1

    # The lists of related rows recorded with the plan (see audit_extra): for each, the
    # relation and the columns read from its rows, in order (the history page names and shows
    # each cell by these).
    AUDIT_EXTRA_ROWS: ClassVar[dict[str, tuple[str, tuple[str, ...]]]] = {
        "statements": ("statements", ("kind", "code", "title_es", "title_en", "text_es", "text_en"))
    }

    def audit_extra(self) -> dict[str, list[list[str]]]:
        """The plan's texts belong to its audited content (they are edited with it)."""
        columns = self.AUDIT_EXTRA_ROWS["statements"][1]
        rows = self.statements.order_by("order", "id").values_list(*columns)
        return {"statements": [list(row) for row in rows]}

    def level_name(self, depth: int) -> dict[str, str]:
        if 0 <= depth < len(self.levels):
            return dict(self.levels[depth])
        return {"es": "Elemento", "en": "Element"}

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.period_start and self.period_end and self.period_start > self.period_end:
            errors["period_end"] = _("The last year cannot be before the first year.")
        if self.parent_id and self.parent_id == self.pk:
            errors["parent"] = _("A plan cannot be part of itself.")
        if not isinstance(self.levels, list) or any(
            not isinstance(level, dict) or not (level.get("es") or level.get("en"))
            for level in self.levels
        ):
            errors["levels"] = _("Each level needs a name in Spanish or English.")
        if errors:
            raise ValidationError(errors)


class PlanStatement(models.Model):
    """A text of the plan: background, vision, mission, objectives, principles, approaches,
    cross-cutting axes, mandates, monitoring arrangements..."""

    class Kind(models.TextChoices):
        BACKGROUND = "background", _("Background")
        JUSTIFICATION = "justification", _("Justification")
        VISION = "vision", _("Vision")
        MISSION = "mission", _("Mission")
        GENERAL_OBJECTIVE = "general_objective", _("General objective")
        SPECIFIC_OBJECTIVE = "specific_objective", _("Specific objectives")
        PRINCIPLE = "principle", _("Principles")
        APPROACH = "approach", _("Approaches")
        CROSS_CUTTING_AXIS = "cross_cutting_axis", _("Cross-cutting axes")
        WORKING_GROUP_MANDATE = "working_group_mandate", _("Working groups")
        MONITORING = "monitoring", _("Follow-up and monitoring")
        RESPONSIBILITIES = "responsibilities", _("Responsibilities")
        NEXT_STEPS = "next_steps", _("Next steps")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="statements")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=20, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300, blank=True)
    text = models.TextField(_("text"), blank=True)

    if TYPE_CHECKING:
        # The per-language columns modeltranslation adds (translation.py); its
        # managers are built at run time, so the default one is declared too.
        title_es: str | None
        title_en: str | None
        text_es: str | None
        text_en: str | None
        objects: ClassVar[models.Manager[PlanStatement]]
        _default_manager: ClassVar[models.Manager[PlanStatement]]

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name = _("plan text")
        verbose_name_plural = _("plan texts")

    def __str__(self) -> str:
        return self.title or self.get_kind_display()


class PlanElement(PlanContent):
    """A node of a plan's tree: pillar → topic, line → objective → action, priority..."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="elements"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    code = models.CharField(_("code"), max_length=40)
    order = models.PositiveIntegerField(_("order"), default=0)
    title = models.TextField(_("title"))
    description = models.TextField(_("description"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    if TYPE_CHECKING:
        # The per-language columns modeltranslation adds (translation.py); its
        # managers are built at run time, so the default one is declared too.
        title_es: str | None
        title_en: str | None
        description_es: str | None
        description_en: str | None
        notes_es: str | None
        notes_en: str | None
        objects: ClassVar[EffectiveVisibleManager[PlanElement]]
        _default_manager: ClassVar[EffectiveVisibleManager[PlanElement]]

    class Meta:
        ordering = ["plan", "depth", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="unique_element_code_in_plan")
        ]
        verbose_name = _("plan element")
        verbose_name_plural = _("plan elements")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"[:300]

    def clean(self) -> None:
        if self.parent_id is not None:
            parent = self.parent
            if parent is not None and parent.plan_id != self.plan_id:
                raise ValidationError({"parent": _("The parent must belong to the same plan.")})
            node = parent
            while node is not None:
                if node.pk is not None and node.pk == self.pk:
                    raise ValidationError({"parent": _("An element cannot be its own ancestor.")})
                node = node.parent
