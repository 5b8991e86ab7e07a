"""Approval of a text by the member countries: a question put to them on one *version* of a
plan (or of a document), under a rule (unanimity, N of M, or silence procedure), and each
country's position on it (approves, objects, abstains), dated, with its documents.

A question is never more visible than its plan; its positions and files are as visible as
their question. A new version of the text is a new question: the old one is closed and keeps
its positions."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rumbo.core.files import AttachedFile, RandomName
from rumbo.core.models import VersionedModel
from rumbo.core.visibility import Visibility, VisibleQuerySet


class QuestionQuerySet(VisibleQuerySet["ApprovalQuestion"]):
    """Shown at or below the viewer's clearance, and only when its plan is too (read from the
    plan itself, so that a plan made more restricted hides its questions at once)."""

    def for_clearance(self, clearance: int) -> QuestionQuerySet:
        qs = super().for_clearance(clearance)
        return qs.filter(Q(plan__isnull=True) | Q(plan__visibility__lte=clearance))


if TYPE_CHECKING:
    QuestionManager = models.Manager.from_queryset(QuestionQuerySet)


class ApprovalQuestion(VersionedModel):
    class Rule(models.TextChoices):
        UNANIMITY = "unanimity", _("Unanimity: every member country approves")
        N_OF_M = "n_of_m", _("N of M: a number of member countries approve")
        SILENCE = "silence", _("Silence procedure: no objection by the deadline")
        # A question that ships from the sources, which give a count of approvals but no rule.
        RECORDED = "recorded", _("Not stated in the sources (as recorded)")

    # The key of a question that ships with the seed data; empty for questions people open.
    code = models.SlugField(_("code"), max_length=60, blank=True)
    plan = models.ForeignKey(
        "plans.Plan",
        verbose_name=_("plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approval_questions",
    )
    title = models.CharField(_("title"), max_length=300)
    text_version = models.CharField(_("version of the text"), max_length=20)
    body = models.ForeignKey(
        "organisations.Body",
        verbose_name=_("body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rule = models.CharField(_("rule"), max_length=20, choices=Rule.choices)
    required = models.PositiveSmallIntegerField(
        _("approvals required"),
        null=True,
        blank=True,
        help_text=_("For the N of M rule: how many member countries must approve."),
    )
    deadline = models.DateField(
        _("deadline"),
        null=True,
        blank=True,
        help_text=_("For the silence procedure: no objection by this date counts as approval."),
    )
    # Empty when the sources do not say when the text was put to the countries.
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # A count of approvals the sources give without naming the countries ("aprobado por 9
    # Países Miembros"), with their words: no country's position is invented from it.
    recorded_approvals = models.PositiveSmallIntegerField(
        _("approvals recorded (countries not named)"), null=True, blank=True
    )
    recorded_as = models.TextField(_("as recorded"), blank=True)
    source = models.TextField(_("source"), blank=True)
    visibility = models.PositiveSmallIntegerField(
        _("visible to"), choices=Visibility.choices, default=Visibility.MEMBERS
    )

    objects: ClassVar[QuestionManager] = QuestionQuerySet.as_manager()
    if TYPE_CHECKING:
        title_es: str | None
        title_en: str | None
        recorded_as_es: str | None
        recorded_as_en: str | None
        source_es: str | None
        source_en: str | None
        _default_manager: ClassVar[QuestionManager]

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("approval question")
        verbose_name_plural = _("approval questions")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="approval_question_code_unique"
            ),
            # One open question per plan: a new version closes the one before.
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(closed_on__isnull=True, plan__isnull=False),
                name="one_open_approval_question_per_plan",
            ),
        ]

    def __str__(self) -> str:
        return self.title[:300]

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def effective_visibility(self) -> int:
        plan_level = self.plan.visibility if self.plan_id and self.plan else 0
        return max(int(self.visibility), int(plan_level))

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.rule == self.Rule.N_OF_M and not self.required:
            errors["required"] = _("Say how many member countries must approve.")
        if self.rule == self.Rule.SILENCE and not self.deadline:
            errors["deadline"] = _("A silence procedure needs its deadline.")
        if self.rule != self.Rule.RECORDED and self.recorded_approvals is not None:
            errors["recorded_approvals"] = _(
                "A count of approvals without countries is kept only as the sources record it."
            )
        if self.closed_on and self.opened_on and self.closed_on < self.opened_on:
            errors["closed_on"] = _("A question cannot close before it opens.")
        if errors:
            raise ValidationError(errors)


class ApprovalPosition(VersionedModel):
    """A member country's position on one question (one per country, changed only by a
    version-checked service)."""

    class Position(models.TextChoices):
        APPROVES = "approves", _("Approves")
        OBJECTS = "objects", _("Objects")
        ABSTAINS = "abstains", _("Abstains")

    question = models.ForeignKey(
        ApprovalQuestion, on_delete=models.CASCADE, related_name="positions"
    )
    country = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("member country"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "member_state"},
    )
    position = models.CharField(_("position"), max_length=10, choices=Position.choices)
    decided_on = models.DateField(_("date of the position"))
    note = models.TextField(_("note"), blank=True)
    # Recorded by the secretariat on the country's written request (attached as a file).
    on_behalf = models.BooleanField(_("recorded by the secretariat on the country's behalf"))
    recorded_by = models.ForeignKey(
        "organisations.User",
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    if TYPE_CHECKING:
        objects: ClassVar[models.Manager[ApprovalPosition]]
        _default_manager: ClassVar[models.Manager[ApprovalPosition]]

    class Meta:
        ordering = ["question", "country__name", "id"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "country"], name="one_position_per_country_and_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country} · {self.get_position_display()}"


# The folder of approval files, apart from the follow-up's evidence.
FOLDER = "approval-files"


class ApprovalFile(AttachedFile):
    """The text put to approval, a country's position document, or the written request on
    which the secretariat recorded a position. Served only by `approval_file_download`, to
    whoever may see its question."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text put to approval")
        POSITION = "position", _("Position document")
        REQUEST = "request", _("Written request")

    question = models.ForeignKey(ApprovalQuestion, on_delete=models.CASCADE, related_name="files")
    position = models.ForeignKey(
        ApprovalPosition, null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=RandomName(FOLDER))

    class Meta:
        ordering = ["question", "uploaded_at", "id"]
        verbose_name = _("approval file")
        verbose_name_plural = _("approval files")
