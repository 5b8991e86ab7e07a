"""Writes the indicator template with XlsxWriter, row by row (constant memory): hidden and
protected identifiers as text, the indicator as the person reads it, input cells unlocked,
cells that do not apply to an indicator greyed out and locked."""

from __future__ import annotations

from decimal import Decimal
from typing import IO, Any

from django.utils import translation
from django.utils.translation import gettext as _

from rumbo.core.i18n import pick
from rumbo.core.tables import safe_workbook
from rumbo.indicators.models import Indicator, Measurement
from rumbo.tracking.xlsx.columns import META_SHEET

from .columns import AFTER, BEFORE, FORMAT_NAME, FORMAT_VERSION, Layout, parse_part_key
from .template import Template, TemplateRow

Unit = Indicator.Unit
WIDTH = {c.key: c.width for c in BEFORE + AFTER}
HIDDEN = {c.key for c in BEFORE + AFTER if c.hidden}
NUMBER_FIELDS = {"value", "numerator", "denominator"}
TEXT_INPUTS = {"text", "evidence", "comment", "breakdown_note"}


def yes_no_words(lang: str) -> tuple[str, str]:
    with translation.override(lang):
        return _("Yes"), _("No")


def unit_label(indicator: Indicator) -> str:
    label = str(indicator.get_unit_display())
    return f"{label} ({indicator.currency})" if indicator.currency else label


def applies(indicator: Indicator, key: str, dimension_ids: set[int]) -> bool:
    """Whether a column is filled in for this indicator (otherwise it is greyed out)."""
    unit = indicator.unit
    if key == "value":
        return unit in (Unit.COUNT, Unit.MONEY, Unit.YES_NO)
    if key in ("numerator", "denominator"):
        return unit == Unit.PERCENT
    if key == "text":
        return unit == Unit.TEXT
    if key in ("evidence", "comment"):
        return True
    has_parts = unit in (Unit.COUNT, Unit.MONEY, Unit.PERCENT) and bool(dimension_ids)
    if key == "breakdown_note":
        return has_parts
    part = parse_part_key(key)
    if part is None:
        return False
    return has_parts and part[0] in dimension_ids and (part[1] == "value" or unit == Unit.PERCENT)


def _number(value: Decimal | None) -> float | str | None:
    """A number as Excel keeps it (a float), unless a float would change it: then as text,
    which the importer reads back the same."""
    if value is None:
        return None
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else format(value.normalize(), "f")


class TemplateWorkbook:
    def __init__(
        self,
        target: str | IO[bytes],
        layout: Layout,
        *,
        lang: str,
        country: str,
        regional: bool = False,
    ) -> None:
        self.layout = layout
        self.country = country
        self.lang = lang
        self.col = {key: i for i, key in enumerate(layout.keys)}
        self.book = safe_workbook(target)
        with translation.override(lang):
            # The region's template says so on its sheet (a country's values never go there).
            name = _("Indicators (region)") if regional else _("Indicators")
            self.yes, self.no = yes_no_words(lang)
        self.sheet = self.book.add_worksheet(name[:31])
        add = self.book.add_format
        self.fmt = {
            "header": add(
                {
                    "bold": True,
                    "text_wrap": True,
                    "valign": "top",
                    "bg_color": "#DCE6EE",
                    "border": 1,
                    "locked": True,
                }
            ),
            "id": add({"num_format": "@", "locked": True}),
            "info": add(
                {"text_wrap": True, "valign": "top", "bg_color": "#F3F6F9", "locked": True}
            ),
            "number": add(
                {"locked": False, "valign": "top", "border": 1, "border_color": "#9DB3C7"}
            ),
            "input": add(
                {
                    "locked": False,
                    "text_wrap": True,
                    "valign": "top",
                    "num_format": "@",
                    "border": 1,
                    "border_color": "#9DB3C7",
                }
            ),
            "na": add({"bg_color": "#BFBFBF", "locked": True}),
        }
        for key, i in self.col.items():
            width = WIDTH.get(key, 14)
            self.sheet.set_column(i, i, width, None, {"hidden": key in HIDDEN})
        self.sheet.set_row(0, 45)
        self.sheet.write_row(0, 0, layout.labels(lang), self.fmt["header"])
        self.sheet.freeze_panes(1, self.col["indicator"] + 1)
        self.rows = 0
        self._yes_no_rows: list[int] = []

    def add(self, row: TemplateRow) -> None:
        r = self.rows + 1
        ind, m = row.indicator, row.measurement
        dims = {d.pk for d in ind.dimensions.all()}
        cats = {c.pk for c in self.layout.categories if c.dimension_id in dims}
        for key, c in self.col.items():
            if key in ("id", "period", "country", "version"):
                value = {
                    "id": str(ind.pk),
                    "period": row.period.code,
                    "country": self.country,
                    "version": str(m.version) if m is not None else "",
                }[key]
                self.sheet.write_string(r, c, value, self.fmt["id"])
            elif key in ("code", "indicator", "period_label", "unit", "status"):
                self.sheet.write_string(r, c, self._info(key, row), self.fmt["info"])
            elif not applies(ind, key, cats if key.startswith("part:") else dims):
                self.sheet.write_blank(r, c, None, self.fmt["na"])
            else:
                self._input(r, c, key, ind, m)
        self.rows = r

    def _info(self, key: str, row: TemplateRow) -> str:
        ind, m = row.indicator, row.measurement
        if key == "code":
            return ind.code
        if key == "indicator":
            return pick({"es": ind.name_es or "", "en": ind.name_en or ""}, self.lang)[0]
        if key == "period_label":
            return row.period.label()
        if key == "unit":
            return unit_label(ind)
        return str(m.get_status_display()) if m is not None else _("Not reported")

    def _input(self, r: int, c: int, key: str, ind: Indicator, m: Measurement | None) -> None:
        write = self.sheet
        if key in TEXT_INPUTS:
            text = getattr(m, key) if m is not None else ""
            if text:
                write.write_string(r, c, text, self.fmt["input"])
            else:
                write.write_blank(r, c, None, self.fmt["input"])
            return
        value = self._current(key, ind, m)
        if key == "value" and ind.unit == Unit.YES_NO:
            self._yes_no_rows.append(r)
            word = None if value is None else (self.yes if value else self.no)
            if word:
                write.write_string(r, c, word, self.fmt["number"])
            else:
                write.write_blank(r, c, None, self.fmt["number"])
            return
        shown = _number(value)
        if isinstance(shown, float):
            write.write_number(r, c, shown, self.fmt["number"])
        elif shown:
            write.write_string(r, c, shown, self.fmt["number"])
        else:
            write.write_blank(r, c, None, self.fmt["number"])

    def _current(self, key: str, ind: Indicator, m: Measurement | None) -> Decimal | None:
        if m is None:
            return None
        part = parse_part_key(key)
        if part is None:
            return getattr(m, key)
        cid, field = part
        share = next((p for p in m.parts.all() if p.category_id == cid), None)
        if share is None:
            return None
        if field == "denominator":
            return share.denominator
        return share.numerator if ind.unit == Unit.PERCENT else share.value

    def close(self, meta: dict[str, Any]) -> None:
        self._validations()
        self.sheet.protect("", {"autofilter": True, "format_columns": False})
        info = self.book.add_worksheet(META_SHEET)
        info.write_row(0, 0, ["format", FORMAT_NAME])
        info.write_row(1, 0, ["version", FORMAT_VERSION])
        info.write_row(2, 0, ["language", self.lang])
        for i, (key, value) in enumerate(meta.items(), start=3):
            info.write_row(i, 0, [key, str(value)])
        info.write_row(3 + len(meta), 0, ["rows", self.rows])
        info.hide()
        self.sheet.activate()
        self.book.close()

    def _validations(self) -> None:
        """A yes/no list on the value of each yes/no indicator, one range per run of rows."""
        c = self.col["value"]
        runs: list[list[int]] = []
        for r in self._yes_no_rows:
            if runs and runs[-1][1] == r - 1:
                runs[-1][1] = r
            else:
                runs.append([r, r])
        for first, last in runs:
            self.sheet.data_validation(
                first,
                c,
                last,
                c,
                {
                    "validate": "list",
                    "source": [self.yes, self.no],
                    "error_message": _("Answer yes or no."),
                },
            )


def write_template(target: str | IO[bytes], template: Template, *, lang: str) -> int:
    """Write a template; return how many rows it has."""
    layout = Layout.of(template.categories, denominators=template.denominators)
    with translation.override(lang):
        country = template.country_code
        regional = template.country is None
        book = TemplateWorkbook(target, layout, lang=lang, country=country, regional=regional)
        for row in template.rows:
            book.add(row)
        book.close(
            {
                "plan": template.plan.code,
                "country": country,
                "period": template.period.code if template.period else "",
            }
        )
    return book.rows
