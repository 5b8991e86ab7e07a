"""`build(kind, params, reader, lang)`: a report's content as `reader` may see it, in `lang`.

Every read goes through the readers of each kind (`<kind>s_for(reader)` and the dashboards
built on them), so a report for observers or the public leaves members-only content out
entirely, counts included: what it holds is what its reader would see on the pages, never
what its author sees."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone, translation

from rumbo.core.visibility import Visibility, clearance_of

from ..content import ReportContent
from ..params import ReportParams, check
from .bodies import build_meeting_pack, build_working_group
from .country import build_country
from .periodic import build_ppt_annual, build_semiannual
from .plan import build_plan

Builder = Callable[[Any, ReportParams, ReportContent], None]
BUILDERS: dict[str, Builder] = {
    "plan": build_plan,
    "country": build_country,
    "working-group": build_working_group,
    "semiannual": build_semiannual,
    "ppt-annual": build_ppt_annual,
    "meeting-pack": build_meeting_pack,
}


def build(kind: str, params: ReportParams, reader: Any, lang: str) -> ReportContent:
    """The content of a report of `kind` for `reader` in `lang` ("es" or "en"). Raises
    ReportError when it cannot be built as asked (a scope the reader may not see is reported
    like one that does not exist)."""
    check(kind, params, lang)
    with translation.override(lang):
        content = ReportContent(
            kind=kind,
            lang=lang,
            title="",
            subtitle="",
            generated_on=timezone.localdate(),
            reader_label=str(Visibility(clearance_of(reader)).label),
        )
        BUILDERS[kind](reader, params, content)
    return content
