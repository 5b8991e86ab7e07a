"""Import of a filled template: every row read with the matrix's reader and number parsers,
checked with the same rules as the value form (`services.check_value`, `can_report`, locked
periods, the value's version) and a preview of what changes; apply.py applies it. A row whose
country code is REGION is a value for the region as a whole (no country): the secretariat's.

The lookups are batched: the indicators, countries, existing values (with their breakdown)
and locked periods are read once for the whole file (checks.py: the categories too)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from rumbo.core.i18n import current_language, pick
from rumbo.core.numbers import format_decimal
from rumbo.indicators import periods, services
from rumbo.indicators.access import can_report, can_report_for_region, can_review_values
from rumbo.indicators.models import Category, Indicator, Measurement
from rumbo.indicators.selectors import (
    dimensions_for,
    indicators_for,
    locked_periods,
    measurements_for,
)
from rumbo.indicators.services.checks import check_place
from rumbo.organisations.models import Organisation
from rumbo.organisations.selectors import organisations_for
from rumbo.tracking.xlsx.columns import META_SHEET, normalise
from rumbo.tracking.xlsx.reader import (
    Book,
    Sheet,
    WorkbookError,
    column_letter,
    iter_rows,
    open_workbook,
)

from . import cells
from .columns import KEYS, REGION_CODE, header_index, parse_part_key
from .preview import Change, Preview, Problem, RowPlan, input_json

__all__ = ["preview_import"]

Unit = Indicator.Unit
Status = Measurement.Status
CHUNK = 2000
Place = tuple[int, str, int | None]  # indicator, period code, country (None: the region)
NUMBERS = ("value", "numerator", "denominator")
NOTES = ("evidence", "comment", "breakdown_note")


def _first_rows(book: Book, name: str, count: int) -> list[tuple[Any, ...]]:
    last = min(count, book.part(name).last_row)
    if last < 1:
        return []
    return list(book[name].iter_rows(max_row=last, values_only=True))[:last]


class TemplateImporter:
    def __init__(self, user: Any, path: Path) -> None:
        self.user = user
        self.path = path
        self.preview = Preview()
        self.lang = current_language()
        self.reviewer = can_review_values(user)
        self.reports_region = can_report_for_region(user)

    # -- reading ------------------------------------------------------------------------------
    def run(self) -> Preview:
        try:
            book = open_workbook(self.path)
            try:
                self.sheet = self.find_sheet(book)
                rows = list(iter_rows(self.path, book, self.sheet))
            finally:
                book.close()
        except WorkbookError as exc:
            self.file_problem(str(exc))
            return self.preview
        self.compare(rows)
        return self.preview

    def file_problem(self, message: str) -> None:
        self.preview.problems.append(Problem(None, "", "", message))

    def find_sheet(self, book: Book) -> Sheet:
        self.categories: dict[int, Category] = {
            c.pk: c for d in dimensions_for(self.user) for c in d.categories.all()
        }
        index = header_index(self.categories.values())
        names = [n for n in book.sheetnames if n != META_SHEET]
        for name in names:
            for r, row in enumerate(_first_rows(book, name, 10), start=1):
                found = {i: index[normalise(v)] for i, v in enumerate(row or ()) if v is not None}
                found = {i: k for i, k in found.items() if k}
                keys = set(found.values())
                if set(KEYS) <= keys:
                    self.headers = {k: cells.text(row[i]) for i, k in found.items()}
                    self.preview.sheet = name
                    self.preview.language = self._language(book)
                    return Sheet(
                        name,
                        "indicators",
                        {k: i for i, k in found.items()},
                        r,
                        [n for n in names if n != name],
                        self.preview.language,
                    )
        raise WorkbookError(
            _(
                "No sheet of this workbook has the template's columns (indicator id, period "
                "code, country code and value version) in its first 10 rows: download the "
                "template again and copy your figures into it."
            )
        )

    def _language(self, book: Book) -> str:
        if META_SHEET in book.sheetnames:
            for row in _first_rows(book, META_SHEET, 10):
                if row and row[0] == "language" and row[1] in {"es", "en"}:
                    return str(row[1])
        return self.lang

    # -- cells --------------------------------------------------------------------------------
    def problem(self, r: int | None, key: str, message: str) -> None:
        index = self.sheet.columns.get(key)
        letter = column_letter(index) if index is not None else ""
        self.preview.problems.append(Problem(r, letter, self.headers.get(key, ""), message))

    def cell(self, values: list[Any], key: str) -> Any:
        index = self.sheet.columns.get(key)
        return values[index] if index is not None and index < len(values) else None

    def parse(self, r: int, values: list[Any], key: str, parser: Callable[[Any], Any]) -> Any:
        try:
            return parser(self.cell(values, key))
        except cells.CellError as exc:
            self.problem(r, key, str(exc))
            return None

    # -- batched lookups ----------------------------------------------------------------------
    def load(self, keyed: list[tuple[int, list[Any], int | None, str, str, int | None]]) -> None:
        ids = {pk for _r, _v, pk, _p, _c, _ver in keyed if pk}
        codes = {c for _r, _v, _pk, _p, c, _ver in keyed if c and c != REGION_CODE}
        regional = self.reports_region and any(c == REGION_CODE for *_x, c, _v in keyed)
        self.indicators: dict[int, Indicator] = {}
        id_list = sorted(ids)
        for start in range(0, len(id_list), CHUNK):
            self.indicators.update(
                indicators_for(self.user).in_bulk(id_list[start : start + CHUNK])
            )
        self.countries: dict[str, Organisation] = {
            o.code: o for o in organisations_for(self.user).filter(code__in=codes)
        }
        self.existing: dict[Place, Measurement] = {}
        places = Q(country_id__in=[c.pk for c in self.countries.values()])
        if regional:
            places |= Q(country__isnull=True)
        found = measurements_for(self.user).filter(places, indicator_id__in=list(self.indicators))
        for m in found.iterator(chunk_size=CHUNK):
            self.existing[(m.indicator_id, m.period, m.country_id)] = m
        self.locks: dict[int, list[periods.Period]] = {}
        for plan in {i.plan for i in self.indicators.values()}:
            years = (plan.period_start, plan.period_end)
            self.locks[plan.pk] = [periods.parse(c, plan_years=years) for c in locked_periods(plan)]

    def locked(self, indicator: Indicator, period: str) -> bool:
        locks = self.locks.get(indicator.plan_id, [])
        if not locks:
            return False
        target = periods.parse(period)
        return any(lock.contains(target) for lock in locks)

    # -- rows ---------------------------------------------------------------------------------
    def compare(self, rows: list[tuple[int, list[Any]]]) -> None:
        keyed = []
        for r, values in rows:
            pk = self.parse(r, values, "id", cells.integer)
            period = cells.text(self.cell(values, "period")).upper()
            country_code = cells.text(self.cell(values, "country")).upper()
            version = self.parse(r, values, "version", cells.integer)
            keyed.append((r, values, pk, period, country_code, version))
        self.load(keyed)
        seen: dict[Place, int] = {}
        refused_region = False
        for r, values, pk, period, code, version in keyed:
            if code == REGION_CODE and not self.reports_region:
                refused_region = True  # said once for the whole file, below
                continue
            indicator = self.indicators.get(pk) if pk else None
            if indicator is None:
                self.problem(
                    r, "id", _("No indicator with id %(id)s that you may see.") % {"id": pk or "—"}
                )
                continue
            country = self.countries.get(code)
            if country is None and code != REGION_CODE:
                self.problem(
                    r, "country", _("No country with code “%(code)s”.") % {"code": code or "—"}
                )
                continue
            if not can_report(self.user, indicator, country.pk if country else None):
                self.problem(
                    r,
                    "indicator",
                    (
                        _("You may not report %(indicator)s for %(country)s.")
                        if country
                        else _("You may not report %(indicator)s for the region.")
                    )
                    % {"indicator": indicator.code, "country": code},
                )
                continue
            try:
                period = check_place(indicator, period, country)
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    column = "period_label" if name == "period" else "country"
                    for message in messages:
                        self.problem(r, column, message)
                continue
            place = (indicator.pk, period, country.pk if country else None)
            if place in seen:
                self.problem(
                    r,
                    "indicator",
                    _("Row %(other)s has the same indicator and period.") % {"other": seen[place]},
                )
                continue
            seen[place] = r
            self.row(r, values, indicator, period, country, version)
        if refused_region:
            self.file_problem(
                _(
                    "This workbook has values for the region (all countries): only the "
                    "Executive Secretariat reports them. Download the template of your country."
                )
            )

    def given(self, r: int, values: list[Any], indicator: Indicator) -> services.ValueInput | None:
        before = len(self.preview.problems)
        unit = indicator.unit
        numbers: dict[str, Decimal | None] = {}
        for name in NUMBERS:
            parser = cells.yes_no if (name == "value" and unit == Unit.YES_NO) else cells.number
            numbers[name] = self.parse(r, values, name, parser)
        parts: dict[int, dict[str, Decimal | None]] = {}
        for key in self.sheet.columns:
            part = parse_part_key(key)
            if part is None:
                continue
            amount = self.parse(r, values, key, cells.number)
            if amount is None:
                continue
            cid, field = part
            share = parts.setdefault(cid, {})
            if unit == Unit.PERCENT:
                share["numerator" if field == "value" else "denominator"] = amount
            else:
                share[field] = amount
        if len(self.preview.problems) > before:
            return None
        return services.ValueInput(
            value=numbers["value"],
            numerator=numbers["numerator"],
            denominator=numbers["denominator"],
            text=cells.text(self.cell(values, "text")),
            evidence=cells.text(self.cell(values, "evidence")),
            comment=cells.text(self.cell(values, "comment")),
            breakdown_note=cells.text(self.cell(values, "breakdown_note")),
            parts=parts,
        )

    def row(
        self,
        r: int,
        values: list[Any],
        indicator: Indicator,
        period: str,
        country: Organisation | None,
        version: int | None,
    ) -> None:
        existing = self.existing.get((indicator.pk, period, country.pk if country else None))
        given = self.given(r, values, indicator)
        if given is None:
            return
        if existing is None and _blank(given):
            return  # a row left empty: nothing to report yet
        if existing is not None and version != existing.version:
            self.problem(
                r,
                "status",
                _(
                    "This value was changed in Rumbo after the template was downloaded (it is "
                    "now %(status)s): download the template again and copy your figures."
                )
                % {"status": existing.get_status_display().lower()},
            )
            return
        if existing is None and version is not None:
            self.problem(
                r,
                "status",
                _("This value is no longer in Rumbo: download the template again."),
            )
            return
        try:
            checked = services.check_value(
                indicator, given, prefix=f"{r}:", categories=self.categories
            )
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    self.problem(r, self.column_of(name.split(":", 1)[1], indicator), message)
            return
        locked = self.locked(indicator, period)
        if locked and not self.reviewer:
            self.problem(
                r,
                "period_label",
                _("%(period)s is locked: ask the secretariat.") % {"period": period},
            )
            return
        changes = self.changes(indicator, existing, checked)
        if existing is not None and not changes:
            self.preview.unchanged += 1
            return
        approved = existing is not None and existing.status == Status.APPROVED
        self.preview.rows.append(
            RowPlan(
                row=r,
                kind="new" if existing is None else "corrected",
                indicator_id=indicator.pk,
                code=indicator.code,
                name=pick({"es": indicator.name_es or "", "en": indicator.name_en or ""})[0],
                period=period,
                period_label=periods.parse(period).label(),
                country_id=country.pk if country else None,
                country=country.code if country else REGION_CODE,
                version=existing.version if existing is not None else None,
                data=input_json(given),
                changes=changes,
                needs_reason=self.reviewer and (locked or approved),
                back_to_draft=(
                    not self.reviewer
                    and existing is not None
                    and existing.status in (Status.SUBMITTED, Status.APPROVED)
                ),
            )
        )

    def column_of(self, name: str, indicator: Indicator) -> str:
        """The column a field error of check_value belongs to."""
        if name in ("value", "numerator", "denominator", "text"):
            return name
        if name.startswith("part:"):
            cid = int(name.split(":")[1])
            return f"part:{cid}:value"
        if name.startswith("breakdown:"):
            code = name.split(":", 1)[1]
            for key in self.sheet.columns:
                part = parse_part_key(key)
                if part and self.categories[part[0]].dimension.code == code:
                    return key
        return "breakdown_note"

    def changes(
        self, indicator: Indicator, existing: Measurement | None, checked: dict[str, Any]
    ) -> list[Change]:
        out: list[Change] = []
        lang = self.lang

        def shown(name: str, x: Any) -> str:
            if x is None or x == "":
                return ""
            if name == "value" and indicator.unit == Unit.YES_NO:
                return _("Yes") if x else _("No")
            return _number(x, lang) if isinstance(x, Decimal) else str(x)

        for name in ("value", "numerator", "denominator", "text", *NOTES):
            if name == "value" and indicator.unit == Unit.PERCENT:
                continue  # computed from the numerator and denominator
            old = getattr(existing, name) if existing is not None else None
            new = checked[name]
            if _same(old, new):
                continue
            out.append(Change(self.headers.get(name, name), shown(name, old), shown(name, new)))
        old_parts = _parts(existing)
        new_parts = {
            cid: {k: x for k, x in share.items() if x is not None}
            for cid, share in checked["parts"].items()
        }
        for cid in sorted(set(old_parts) | set(new_parts), key=lambda c: self._order(c)):
            old_share, new_share = old_parts.get(cid, {}), new_parts.get(cid, {})
            if old_share == new_share:
                continue
            label = self.headers.get(f"part:{cid}:value") or str(self.categories[cid])
            out.append(Change(label, _share(old_share, lang), _share(new_share, lang)))
        return out

    def _order(self, cid: int) -> tuple[int, int, int]:
        cat = self.categories.get(cid)
        if cat is None:
            return (0, 0, cid)
        return (cat.dimension.order, cat.order, cid)


def _blank(given: services.ValueInput) -> bool:
    return (
        all(getattr(given, n) is None for n in NUMBERS)
        and not given.parts
        and not any(getattr(given, n).strip() for n in (*NOTES, "text"))
    )


def _same(old: Any, new: Any) -> bool:
    if old in (None, "") and new in (None, ""):
        return True
    if isinstance(old, Decimal) and isinstance(new, Decimal):
        return old == new
    return bool(old == new)


def _parts(m: Measurement | None) -> dict[int, dict[str, Decimal]]:
    if m is None:
        return {}
    return {
        p.category_id: {k: x for k, x in p.as_dict().items() if x is not None}
        for p in m.parts.all()
    }


def _share(share: dict[str, Decimal], lang: str) -> str:
    if "denominator" in share or "numerator" in share:
        return (
            f"{_number(share.get('numerator'), lang)} / {_number(share.get('denominator'), lang)}"
        )
    return _number(share.get("value"), lang)


def _number(x: Decimal | None, lang: str) -> str:
    """A number as the preview shows it: 1 and 12,5, not 1.0000 and 12,5000."""
    return "" if x is None else format_decimal(x.normalize(), lang)


def preview_import(user: Any, path: Path) -> Preview:
    return TemplateImporter(user, path).run()
