"""The matrix export, one way for both paths: written in the request when it is small, or by a
background job (`jobs.py`) above `inline_rows()` rows. Either way the same workbook, written
as the person who asked sees the matrix, from the same query string."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from django.conf import settings
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rumbo.plans.selectors import plans_for

from . import matrix
from .forms import MatrixFilterForm
from .xlsx.writer import write_matrix

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INLINE_ROWS = 5000
# Query-string parameters of the matrix page that do not change the export.
PAGE_ONLY = ("page", "size", "cols")


def inline_rows() -> int:
    """Above this many rows an export is prepared in the background (a 100,000-row export
    takes tens of seconds: far more than a request may)."""
    return int(getattr(settings, "RUMBO_MATRIX_EXPORT_INLINE_ROWS", INLINE_ROWS))


def export_query(query: QueryDict) -> str:
    """The filters of a query string, as the job keeps them."""
    kept = query.copy()
    for name in PAGE_ONLY:
        kept.pop(name, None)
    return kept.urlencode()


def export_queryset(user: Any, query: QueryDict | str) -> Any:
    data = QueryDict(query) if isinstance(query, str) else query
    filters = MatrixFilterForm(data or None).filters()
    return matrix.matrix_queryset(user, filters)


def export_filename(lang: str) -> str:
    with translation.override(lang):
        stamp = timezone.localdate().isoformat()
        return (_("tracking-matrix") + f"-{stamp}.xlsx").replace(" ", "-")


def _counted(
    rows: Iterable[matrix.MatrixRow], total: int, progress: Callable[[int, int], None] | None
) -> Iterator[matrix.MatrixRow]:
    for done, row in enumerate(rows, start=1):
        yield row
        if progress is not None and done % 250 == 0:
            progress(done, total)


def write_export(
    target: str | IO[bytes],
    user: Any,
    qs: Any,
    *,
    lang: str,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write the matrix rows of `qs` as `user` sees them; return how many were written.
    `progress(done, total)` is called every few hundred rows."""
    max_years = max((p.plan_years for p in plans_for(user)), default=5)
    total = qs.count() if progress is not None else 0
    written = write_matrix(
        target,
        _counted(matrix.rows(user, qs), total, progress),
        lang=lang,
        max_years=max_years,
    )
    if progress is not None:
        progress(written, max(total, written))
    return written
