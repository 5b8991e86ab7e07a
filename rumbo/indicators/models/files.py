"""Files attached to a value as its evidence (the report, the list of participants, the
spreadsheet the figure comes from)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rumbo.core.files import AttachedFile, RandomName

from .values import Measurement


class MeasurementFile(AttachedFile):
    """A file attached to a value. Served only by the `measurement_file_download` view, to
    whoever may see its value (never from the media folder)."""

    measurement = models.ForeignKey(
        Measurement, verbose_name=_("value"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("file"), upload_to=RandomName("value-evidence"))

    class Meta:
        ordering = ["measurement", "uploaded_at", "id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
