"""`render(content, fmt, out_path, progress=None)`: a report's content written as Word, PDF or
Excel. The file is written beside its destination under a temporary name and renamed at the
end, so a reader (or a job killed midway) never finds a half-written report; `progress(done,
total)` is called now and then."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.utils import translation

from ..content import ReportContent
from ..params import FORMATS, ReportError

Progress = Callable[[int, int], None]
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@contextmanager
def atomic_path(out_path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path in the destination's folder, renamed to it when the block ends
    without error, removed otherwise."""
    target = Path(out_path)
    # Named, not created: the writer creates it with the usual permissions.
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(8)}.part")
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def render(
    content: ReportContent,
    fmt: str,
    out_path: str | os.PathLike[str],
    progress: Progress | None = None,
) -> Path:
    """Writes `content` to `out_path` as `fmt` ("docx", "pdf" or "xlsx"), labels, numbers and
    dates as the report's language writes them."""
    if fmt not in FORMATS:
        raise ReportError(f"unknown format {fmt!r}; one of: {', '.join(FORMATS)}")
    step = progress or (lambda done, total: None)
    with translation.override(content.lang), atomic_path(out_path) as temporary:
        if fmt == "docx":
            from .word import write_docx

            write_docx(content, temporary, step)
        elif fmt == "pdf":
            from .pdf import write_pdf

            write_pdf(content, temporary, step)
        else:
            from .workbook import write_xlsx

            write_xlsx(content, temporary, step)
    return Path(out_path)
