"""Applying a previewed template: every new and corrected value saved through
`services.measurement_save`, all or nothing, once."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q

from rumbo.core import audit
from rumbo.core.models import AuditEvent
from rumbo.core.services import ConflictError
from rumbo.indicators import services
from rumbo.indicators.models import Indicator, Measurement
from rumbo.indicators.selectors import indicators_for, values_queryset
from rumbo.organisations.selectors import organisations_for
from rumbo.tracking.models import ImportSession
from rumbo.tracking.xlsx.importer import ImportAlreadyApplied, claim_session, session_applied

from .preview import Preview

__all__ = ["ImportAlreadyApplied", "ImportConflict", "apply_import"]

Status = Measurement.Status
CHUNK = 2000


class ImportConflict(Exception):
    """Values changed in Rumbo between the preview and the apply: nothing was written."""

    def __init__(self, rows: list[int]) -> None:
        super().__init__(rows)
        self.rows = rows


@transaction.atomic
def apply_import(
    user: Any,
    preview: Preview,
    *,
    session: ImportSession | None = None,
    submit: bool = False,
    reason: str = "",
) -> dict[str, int]:
    """Save every new and corrected value of the preview, or none: a value changed in Rumbo
    since the template was downloaded (its version differs, or it appeared) raises
    ImportConflict and rolls everything back. With `submit`, the saved values are submitted
    for review. With the `session`, the import is applied once (its row is locked and checked
    inside this transaction, as the matrix's import does)."""
    if not preview.ok:
        raise ValueError("a preview with problems cannot be applied")
    session = claim_session(session)
    ids = sorted({row.indicator_id for row in preview.rows})
    indicators: dict[int, Indicator] = {}
    for start in range(0, len(ids), CHUNK):
        indicators.update(indicators_for(user).in_bulk(ids[start : start + CHUNK]))
    countries = organisations_for(user).in_bulk(
        sorted({row.country_id for row in preview.rows if row.country_id is not None})
    )
    places = Q(country_id__in=list(countries))
    if any(row.country_id is None for row in preview.rows):
        places |= Q(country__isnull=True)  # values for the region as a whole
    current: dict[tuple[int, str, int | None], int] = {
        (m["indicator_id"], m["period"], m["country_id"]): m["version"]
        for m in values_queryset(user)
        .filter(places, indicator_id__in=ids)
        .values("indicator_id", "period", "country_id", "version")
    }
    stale = [
        row.row
        for row in preview.rows
        if current.get((row.indicator_id, row.period, row.country_id)) != row.version
        or row.indicator_id not in indicators
        or (row.country_id is not None and row.country_id not in countries)
    ]
    if stale:
        raise ImportConflict(stale)
    done = {"new": 0, "corrected": 0, "submitted": 0}
    with audit.named(AuditEvent.Action.IMPORT):
        for row in preview.rows:
            try:
                m = services.measurement_save(
                    actor=user,
                    indicator=indicators[row.indicator_id],
                    period=row.period,
                    country=countries[row.country_id] if row.country_id is not None else None,
                    given=row.value_input(),
                    expected_version=row.version,
                    reason=reason if row.needs_reason else "",
                )
            except ConflictError as exc:
                raise ImportConflict([row.row]) from exc
            done[row.kind] += 1
            if submit and m.status in (Status.DRAFT, Status.RETURNED):
                services.measurement_submit(actor=user, measurement=m, expected_version=m.version)
                done["submitted"] += 1
    session_applied(session)
    return done
