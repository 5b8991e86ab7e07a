"""Reports as background jobs (registered with rumbo.jobs): a report is built for the person
who asked for it, in the language and format they chose, while they do something else."""

from __future__ import annotations

from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from rumbo.jobs.models import Job
from rumbo.jobs.registry import JobFailed, Output, Progress, register, scratch_path

from .builders import build
from .params import ReportError, ReportParams, parse_period
from .render import MEDIA_TYPES, render

REPORT = "report"


def report_params(params: dict[str, Any]) -> ReportParams:
    """The scope a job stored (plain JSON) as the builders take it."""
    period = str(params.get("period") or "")
    return ReportParams(
        plan=str(params.get("plan") or ""),
        body=str(params.get("body") or ""),
        country=str(params.get("country") or "").upper(),
        period=parse_period(period) if period else None,
    )


def report_runner(job: Job, progress: Progress) -> Output:
    fmt = str(job.params.get("format", ""))
    try:
        content = build(
            str(job.params.get("kind", "")),
            report_params(job.params),
            job.requested_by,
            job.language,
        )
        path = scratch_path(job, f"report.{fmt}")
        render(content, fmt, path, progress)
    except ReportError as exc:  # what was asked is no longer there to see (or never was)
        raise JobFailed(_("This report cannot be built as asked.")) from exc
    scope = [str(job.params.get(k) or "") for k in ("plan", "body", "country", "period")]
    words = [slugify(content.title)[:60] or REPORT, *(slugify(s) for s in scope if s)]
    name = f"{'-'.join(words)}-{content.generated_on.isoformat()}.{fmt}"
    return Output(filename=name, content_type=MEDIA_TYPES[fmt], path=path)


register(REPORT, report_runner, pgettext_lazy("document", "Report"))
