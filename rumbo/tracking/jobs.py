"""The tracking matrix's background job: the large export (registered with rumbo.jobs)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from rumbo.jobs.models import Job
from rumbo.jobs.registry import Output, Progress, register, scratch_path

from .export import XLSX, export_filename, export_queryset, write_export

MATRIX_EXPORT = "matrix-export"


def matrix_export_runner(job: Job, progress: Progress) -> Output:
    """The matrix workbook for the job's query string, as its requester sees the matrix."""
    user = job.requested_by
    qs = export_queryset(user, str(job.params.get("query", "")))
    path = scratch_path(job, "matrix.xlsx")
    write_export(str(path), user, qs, lang=job.language, progress=progress)
    return Output(filename=export_filename(job.language), content_type=XLSX, path=path)


register(MATRIX_EXPORT, matrix_export_runner, gettext_lazy("Tracking matrix (Excel)"))
