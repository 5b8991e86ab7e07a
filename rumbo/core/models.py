"""Base models and the append-only audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .visibility import Visibility, VisibleQuerySet


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """A record people edit concurrently or offline: `version` is bumped on every change and
    an update that expects another version is refused (see core.services)."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class AuditEventQuerySet(VisibleQuerySet):
    def for_object(self, obj: models.Model) -> AuditEventQuerySet:
        return self.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
        )


class AuditEvent(models.Model):
    """Who changed what, when, with the values before and after. Rows are never updated or
    deleted: the model refuses it, and database triggers refuse it too (migration 0002)."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        # Named changes: what happened, not just "changed" (see audit.named_action).
        STATUS = "status", _("status change")
        SUBMIT = "submit", _("submission for approval")
        APPROVE = "approve", _("approval")
        RETURN = "return", _("return with comments")
        ATTACH = "attach", _("evidence added")
        IMPORT = "import", _("import from a workbook")
        SEED = "seed", _("load from the seed files")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # PROTECT: a person who acted stays identifiable. Deleting them would rewrite history
    # (and the append-only triggers refuse it); deactivate the account instead.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=200)
    action = models.CharField(_("what"), max_length=20, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_label = models.CharField(_("record"), max_length=300)
    changes = models.JSONField(_("changes"), default=dict)
    reason = models.TextField(_("reason"), blank=True)
    # The record's own level when the event was written: the log never shows a change to
    # someone who may not see the record.
    visibility = models.PositiveSmallIntegerField(
        choices=Visibility.choices, default=Visibility.MEMBERS
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_label}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise PermissionDenied("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionDenied("The audit log is append-only.")
