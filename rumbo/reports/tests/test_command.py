"""`rumbo report`: a report written as the user given (the public without --as); a request
that cannot be met is one line on stderr, exit status 2, and no file."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from rumbo.core.visibility import Visibility
from rumbo.plans import services as plan_services
from rumbo.plans.models import Plan

from .reading import docx_text, xlsx_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans(cast: Any) -> dict[str, Plan]:
    made = {}
    for code, level in (("open-plan", Visibility.PUBLIC), ("closed-plan", Visibility.MEMBERS)):
        made[code] = plan_services.plan_create(
            actor=cast.secretariat,
            data={
                "code": code,
                "kind": Plan.Kind.WORKING_GROUP,
                "title_es": f"Plan {code} es",
                "title_en": f"Plan {code} en",
                "description_es": "Solo en español",
                "period_start": 2025,
                "period_end": 2027,
                "visibility": level,
            },
        )
    return made


def run(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    try:
        call_command("report", *args, stderr=err, stdout=io.StringIO())
    except SystemExit as stop:
        return int(stop.code or 0), err.getvalue()
    return 0, err.getvalue()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["annual", "--format", "pdf"], "unknown report kind 'annual'"),
        (["plan", "--plan", "open-plan", "--format", "odt"], "--format must be one of"),
        (["plan", "--plan", "open-plan", "--format", "pdf", "--lang", "fr"], "--lang must be"),
        (["plan", "--format", "pdf"], "a plan report needs --plan"),
        (["semiannual", "--period", "2025", "--format", "pdf"], "needs a semester"),
        (["semiannual", "--period", "2025-H3", "--format", "pdf"], "is not YYYY, YYYY-H1"),
        (["plan", "--plan", "nope", "--format", "docx"], "no plan 'nope'"),
        # A plan the reader may not see is refused like one that does not exist.
        (["plan", "--plan", "closed-plan", "--format", "docx"], "no plan 'closed-plan'"),
        (["plan", "--plan", "open-plan", "--format", "docx", "--as", "ghost"], "no active user"),
    ],
)
def test_bad_requests_exit_2_with_one_line_and_no_file(
    plans: dict[str, Plan], tmp_path: Path, args: list[str], says: str
) -> None:
    out = tmp_path / "r.out"
    code, err = run(*args, "--output", str(out))
    assert code == 2
    assert says in err and err.count("\n") <= 1
    assert list(tmp_path.iterdir()) == []


def test_no_output_folder_is_refused(plans: dict[str, Plan], tmp_path: Path) -> None:
    code, err = run("plan", "--plan", "open-plan", "--format", "pdf", "-o", f"{tmp_path}/x/r.pdf")
    assert code == 2 and "no folder" in err


def test_writes_the_report_as_the_user_sees_it_in_the_language_asked(
    cast: Any, plans: dict[str, Plan], tmp_path: Path
) -> None:
    out = tmp_path / "closed.docx"
    code, _err = run(
        "plan", "--plan", "closed-plan", "--lang", "en", "--format", "docx",
        "--as", cast.focal.username, "--output", str(out),
    )  # fmt: skip
    assert code == 0
    text = docx_text(out)
    assert "Plan progress report" in text and "Plan closed-plan en" in text
    # Content missing in English falls back to Spanish, marked.
    assert "Solo en español (translation pending)" in text
    out = tmp_path / "open.xlsx"
    assert (
        run("plan", "--plan", "open-plan", "--lang", "es", "--format", "xlsx", "-o", str(out))[0]
        == 0
    )
    text = xlsx_text(out)
    assert "Informe de avance del plan" in text and "Actividades por estado" in text
