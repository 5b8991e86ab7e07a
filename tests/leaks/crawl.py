"""The crawler's map of Rumbo: every URL the URLconf can produce, filled with canary records.

Every named route must be listed here, in ROUTES (with the kind of record each of its
parameters names) or in SKIPPED (with the reason). A route added without either fails the
crawler's first test, so a new record kind joins the crawl the day it gets a page."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

# route name -> {URL parameter: kind of record it names}
ROUTES: dict[str, dict[str, str]] = {
    # pages
    "home": {},
    "plan_list": {},
    "plan_create": {},
    "plan_detail": {"code": "plan"},
    "plan_edit": {"code": "plan"},
    "plan_roadmap": {"code": "plan"},
    "plan_iati": {"code": "plan"},
    "element_create": {"code": "plan"},
    "activity_create": {"code": "plan"},
    "element_edit": {"pk": "element"},
    "activity_detail": {"pk": "activity"},
    "activity_edit": {"pk": "activity"},
    "concept_note": {"pk": "activity"},
    "concept_note_edit": {"pk": "activity"},
    "progress_create": {"pk": "activity"},
    "organisation_list": {},
    "body_list": {},
    "plan_dashboard": {"code": "plan"},
    "body_dashboard": {"code": "body"},
    "country_page": {"code": "organisation"},
    "country_map": {},
    "matrix": {},
    "matrix_export": {},
    "matrix_import": {},
    "matrix_import_apply": {"token": "import"},
    "matrix_import_marked": {"token": "import"},
    "indicator_template": {},
    "indicator_import": {},
    "indicator_import_apply": {"token": "import"},
    "indicator_import_marked": {"token": "import"},
    "semiannual_summary": {},
    "record_history": {"kind": "history", "pk": "history"},
    "evidence_download": {"pk": "evidence"},
    "login": {},
    "password_change": {},
    "password_change_done": {},
    "password_reset": {},
    "password_reset_done": {},
    "password_reset_complete": {},
    "api_docs": {},
    "api-home": {},
    "indicator_list": {"code": "plan"},
    "indicator_create": {"code": "plan"},
    "indicator_detail": {"pk": "indicator"},
    "indicator_edit": {"pk": "indicator"},
    "indicator_targets": {"pk": "indicator"},
    "indicator_report": {},
    "indicator_review": {},
    # One record's URL named by several parameters: the kind's values are their kwargs.
    "value_edit": {"pk": "value_place", "period": "value_place", "country": "value_place"},
    "measurement_file_download": {"pk": "value_file"},
    "meeting_list": {},
    "meeting_create": {},
    "meeting_detail": {"pk": "meeting"},
    "meeting_edit": {"pk": "meeting"},
    "meeting_document_download": {"pk": "meeting_document"},
    "meeting-list": {},
    "meeting-detail": {"pk": "meeting"},
    "agreement_create": {"pk": "meeting"},
    "agreement_detail": {"pk": "agreement"},
    "agreement_edit": {"pk": "agreement"},
    "follow_up_edit": {"pk": "follow_up_place", "code": "follow_up_place"},
    "meeting_follow_up": {"pk": "meeting"},
    "meeting_follow_up_csv": {"pk": "meeting"},
    "meeting_follow_up_xlsx": {"pk": "meeting"},
    "body_follow_up": {"code": "body"},
    "body_follow_up_csv": {"code": "body"},
    "body_follow_up_xlsx": {"code": "body"},
    "country_follow_up": {"code": "follow_up_country"},
    "country_obligations": {"code": "follow_up_country"},
    "agreement-list": {},
    "agreement-detail": {"pk": "agreement"},
    "practice_list": {},
    "practice_submit": {},
    "practice_review": {},
    "practice_mine": {},
    "practice_monthly": {},
    "practice_detail": {"pk": "practice"},
    "practice_edit": {"pk": "practice"},
    "practice_file_download": {"pk": "practice_file"},
    "good-practice-list": {},
    "good-practice-detail": {"pk": "practice"},
    "pledge_list": {},
    "pledge_list_csv": {},
    "pledge_list_xlsx": {},
    "pledge_create": {},
    "pledge_detail": {"pk": "pledge"},
    "pledge_edit": {"pk": "pledge"},
    "pledge_round": {"pk": "pledge_round", "year": "pledge_round", "month": "pledge_round"},
    "pledge_file_download": {"pk": "pledge_file"},
    "pledge-list": {},
    "pledge-detail": {"pk": "pledge"},
    "approval_list": {},
    "approval_open": {},
    "approval_detail": {"pk": "approval"},
    "approval_file_download": {"pk": "approval_file"},
    "approval-list": {},
    "approval-detail": {"pk": "approval"},
    "obligation_calendar": {},
    "obligation_detail": {"pk": "obligation"},
    "obligation_fulfil": {"pk": "obligation"},
    "obligation_file_download": {"pk": "obligation_file"},
    "body_obligations": {"code": "body"},
    "obligation-list": {},
    "obligation-detail": {"pk": "obligation"},
    "calendar_settings": {},
    "job_list": {},
    "report_request": {},
    "job_detail": {"pk": "job"},
    "job_download": {"pk": "job"},
    "body_calendar": {"code": "body"},
    # API
    "api-root": {},
    "plan-list": {},
    "plan-detail": {"code": "plan"},
    "element-list": {},
    "element-detail": {"pk": "element"},
    "activity-list": {},
    "activity-detail": {"pk": "activity"},
    "organisation-list": {},
    "organisation-detail": {"code": "organisation"},
    "matrix-row-list": {},
    "matrix-row-detail": {"pk": "activity"},
    "concept-note-list": {},
    "concept-note-detail": {"pk": "note"},
    "progress-update-list": {},
    "progress-update-detail": {"pk": "update"},
    "indicator-list": {},
    "indicator-detail": {"pk": "indicator"},
    "indicator-targets": {"pk": "indicator"},
    "indicator-figures": {"pk": "indicator"},
    "indicator-figure-list": {},
    "indicator-value-list": {},
    "indicator-value-detail": {"pk": "measurement"},
    "indicator-value-files": {"pk": "measurement"},
}

SKIPPED = {
    "agreement-follow-up": "PATCH only: a write, covered by rumbo/meetings/tests",
    "practice_step": "POST only: a review step, covered by rumbo/practices/tests",
    "approval_position": "POST only: a write, covered by rumbo/approvals/tests",
    "approval_settle": "POST only: a write, covered by rumbo/approvals/tests",
    "approval-position": "POST only: a write, covered by rumbo/approvals/tests",
    "good-practice-resubmit": "POST only: a write, covered by the permission tests",
    "good-practice-accept": "POST only: a write, covered by the permission tests",
    "good-practice-send-back": "POST only: a write, covered by the permission tests",
    "good-practice-schedule": "POST only: a write, covered by the permission tests",
    "good-practice-publish": "POST only: a write, covered by the permission tests",
    "api-schema": "describes the API's shape; it holds no record",
    "logout": "logs the crawling session out (POST only)",
    "password_reset_confirm": "a one-time token mailed to one person; it names no record",
    "concept_note_decide": "POST only: a write, covered by the permission tests",
    "concept-note-submit": "POST only: a write, covered by the permission tests",
    "concept-note-approve": "POST only: a write, covered by the permission tests",
    "concept-note-send-back": "POST only: a write, covered by the permission tests",
    "indicator-value-submit": "POST only: a write, covered by the permission tests",
    "indicator-value-approve": "POST only: a write, covered by the permission tests",
    "indicator-value-send-back": "POST only: a write, covered by the permission tests",
    "value_decide": "POST only: a write, covered by the permission tests",
    "period_lock": "POST only: a write, covered by the permission tests",
    "period_unlock": "POST only: a write, covered by the permission tests",
    "personal_calendar": "a secret address per person: tested in rumbo/reminders/tests",
    "job_run_again": "POST only: a write, covered by rumbo/jobs/tests",
}
# The admin is for staff only (the secretariat, who may see everything); other roles are
# sent to its login page. It is checked for versions and audit in core/tests/test_admin*.
SKIPPED_NAMESPACES = {"admin"}

# Query-string filters of list routes: parameter -> kind of record it names.
MATRIX_FILTERS = {
    "plan": "plan",
    "pillar": "element",
    "topic": "element",
    "working_group": "body",
    "organisation": "organisation",
    "country": "organisation",
    "q": "text",
}
FILTERS: dict[str, dict[str, str]] = {
    "practice_list": {"country": "organisation", "topic": "element"},
    "good-practice-list": {"country": "organisation", "topic": "element"},
    "matrix": MATRIX_FILTERS,
    "matrix_export": MATRIX_FILTERS,
    "matrix-row-list": MATRIX_FILTERS,
    "activity-list": {"plan": "plan"},
    "element-list": {"plan": "plan"},
    "concept-note-list": {"activity": "activity"},
    "progress-update-list": {"activity": "activity"},
    "semiannual_summary": {"plan": "plan", "group": "body"},
    "indicator_template": {"plan": "plan", "country": "organisation"},
    "country_map": {"indicator": "indicator", "plan": "plan"},
    "indicator-value-list": {"indicator": "indicator"},
    "meeting_list": {"body": "body"},
    "meeting-list": {"body": "body"},
    "pledge_list": {"organisation": "organisation"},
    "pledge_list_csv": {"organisation": "organisation"},
    "pledge-list": {"organisation": "organisation"},
}
MISSING = {"code": "no-such-record", "pk": 987654321, "token": "no-such-token", "text": ""}


@dataclass(frozen=True)
class Route:
    name: str
    params: tuple[str, ...]
    i18n: bool


def named_routes() -> list[Route]:
    """Every named route of the URLconf, with its parameters (format suffixes left out)."""
    found: dict[str, Route] = {}

    def walk(patterns: list[Any], namespace: str | None, i18n: bool) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace in SKIPPED_NAMESPACES:
                    continue
                walk(p.url_patterns, p.namespace or namespace, i18n or _is_i18n(p))
            elif isinstance(p, URLPattern) and p.name:
                params = tuple(sorted(set(p.pattern.regex.groupindex) - {"format"}))
                if "format" in p.pattern.regex.groupindex:
                    continue
                found.setdefault(p.name, Route(p.name, params, i18n))

    walk(get_resolver().url_patterns, None, False)
    return sorted(found.values(), key=lambda r: r.name)


def _is_i18n(resolver: URLResolver) -> bool:
    return type(resolver.pattern).__name__ == "LocalePrefixPattern"


def url_for(route: Route, lang: str, kwargs: dict[str, Any]) -> str:
    if route.i18n:
        with translation.override(lang):
            return reverse(route.name, kwargs=kwargs or None)
    return reverse(route.name, kwargs=kwargs or None)


def body_text(response: Any) -> str:
    """What a response says, as text: a workbook's cells and names, not its timestamps."""
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    if raw[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            return "\n".join(
                zf.read(n).decode("utf-8", "replace")
                for n in zf.namelist()
                if not n.startswith("docProps/")
            )
    text = raw.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("text/calendar"):
        text = text.replace("\r\n ", "")  # unfold iCalendar's long lines
    location = response.get("Location", "")
    disposition = response.get("Content-Disposition", "")
    return f"{location}\n{disposition}\n{text}"


MARKER = re.compile(r"CANARY([0-9])x([a-z_]+)")
VOLATILE = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'), 'name="csrfmiddlewaretoken"'),
    (re.compile(r'name="version" value="\d+"'), 'name="version"'),
    (re.compile(r'"version":\s*\d+'), '"version":N'),
    # When an IATI file was written.
    (re.compile(r'generated-datetime="[^"]*"'), 'generated-datetime=""'),
    # The log-in link brings the person back to the address they typed (url-encoded there).
    (re.compile(r"([?&](?:amp;)?next=)[^\"&\s]*"), r"\1{next}"),
]


def leaks(text: str, clearance: int) -> list[str]:
    return sorted({m.group(0) for m in MARKER.finditer(text) if int(m.group(1)) > clearance})


def normalised(text: str, *values: Any) -> str:
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    for value in values:
        if value not in (None, ""):
            # The value itself, not a longer number or code that contains it.
            text = re.sub(rf"(?<![\w-]){re.escape(str(value))}(?![\w-])", "{X}", text)
    return text
