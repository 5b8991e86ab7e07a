"""The kinds of background job and what runs each. An app registers its kinds in its own
`jobs` module (found at start-up by `JobsConfig.ready`):

    from rumbo.jobs.registry import Output, register

    def build(job, progress):
        path = scratch_path(job, "report.docx")
        ...                       # write the file, calling progress(done, total) now and then
        return Output(filename="report.docx", content_type=DOCX, path=path)

    register("plan-report", build, gettext_lazy("Plan report"))

A runner works as `job.requested_by` sees things (the file is theirs), in `job.language`
(active while it runs), from `job.params` (plain JSON the request stored). It writes its file
anywhere under `scratch_path(job, …)`; the task then stores it under a random name and only
then marks the job done, so that a run killed midway leaves no file behind a job."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Job

Progress = Callable[[int, int], None]
Runner = Callable[["Job", Progress], "Output"]


@dataclass(frozen=True)
class Output:
    """The file a runner made: the name and type it is downloaded with, and where it lies."""

    filename: str
    content_type: str
    path: Path


@dataclass(frozen=True)
class Kind:
    name: str
    runner: Runner
    label: Any  # a lazy translation: shown in the person's language


class UnknownKind(KeyError):
    pass


class JobFailed(Exception):
    """Raised by a runner that cannot make its file for a reason the person should read
    ("the plan has no activities"): the job fails with `message`, in the requester's
    language. Any other exception fails it with a general message (details in the log)."""

    def __init__(self, message: Any) -> None:
        super().__init__(message)
        self.message = message


_KINDS: dict[str, Kind] = {}


def register(kind: str, runner: Runner, label: Any) -> None:
    """Make `kind` runnable. Registering a name twice with another runner is a mistake."""
    known = _KINDS.get(kind)
    if known is not None and known.runner is not runner:
        raise ValueError(f"job kind {kind!r} is already registered")
    _KINDS[kind] = Kind(kind, runner, label)


def kind_of(name: str) -> Kind:
    try:
        return _KINDS[name]
    except KeyError:
        raise UnknownKind(name) from None


def label_of(name: str) -> Any:
    known = _KINDS.get(name)
    return known.label if known is not None else name


def scratch_path(job: Job, filename: str) -> Path:
    """A path in the run's own scratch folder (removed when the run ends)."""
    scratch: Path | None = getattr(job, "scratch", None)
    if scratch is None:
        raise RuntimeError("a runner is called by the job task, which gives it a scratch folder")
    return scratch / Path(filename).name
