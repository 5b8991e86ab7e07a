"""The template's columns, shared by the writer and the reader so they never drift apart.
Breakdown columns are one per category of the disaggregations the template holds."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rumbo.core.i18n import LANGS, pick
from rumbo.indicators.models import Category
from rumbo.tracking.xlsx.columns import normalise

FORMAT_NAME = "rumbo-indicators"
FORMAT_VERSION = 1
# Identifiers that the importer needs on every row, written as text in hidden columns.
KEYS = ("id", "period", "country", "version")
# The country code of a value reported for the region as a whole (no country).
REGION_CODE = "REGION"


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    width: int
    hidden: bool = False
    editable: bool = False


BEFORE = [
    Column("id", _("Indicator id"), 8, hidden=True),
    Column("period", _("Period code"), 8, hidden=True),
    Column("country", _("Country code"), 8, hidden=True),
    Column("version", _("Value version"), 8, hidden=True),
    Column("code", _("Code"), 10),
    Column("indicator", _("Indicator"), 50),
    Column("period_label", _("Period"), 10),
    Column("unit", _("Unit"), 16),
    Column("status", _("Status"), 14),
    Column("value", _("Value"), 14, editable=True),
    Column("numerator", _("Numerator"), 12, editable=True),
    Column("denominator", _("Denominator"), 12, editable=True),
    Column("text", _("Qualitative value"), 40, editable=True),
]
AFTER = [
    Column("evidence", _("Evidence"), 36, editable=True),
    Column("comment", _("Comment"), 30, editable=True),
    Column("breakdown_note", _("Why the breakdown does not add up"), 30, editable=True),
]
LABEL = {c.key: c.label for c in BEFORE + AFTER}


def part_key(category_id: int, field: str) -> str:
    """A breakdown column: `field` is "value" (the value, or the numerator of a
    percentage) or "denominator"."""
    return f"part:{category_id}:{field}"


def parse_part_key(key: str) -> tuple[int, str] | None:
    if not key.startswith("part:"):
        return None
    _part, cid, field = key.split(":")
    return int(cid), field


def category_label(category: Category, lang: str, *, denominator: bool = False) -> str:
    """“Sex: Women”, “Sexo: Mujeres”; “… (denominator)” for a percentage's denominator."""
    dim = category.dimension
    dim_name = pick({"es": dim.name_es or "", "en": dim.name_en or ""}, lang)[0] or dim.code
    cat_name = pick({"es": category.name_es or "", "en": category.name_en or ""}, lang)[0]
    label = f"{dim_name}: {cat_name or category.code}"
    if denominator:
        with translation.override(lang):
            label += f" ({translation.gettext('denominator')})"
    return label


@dataclass(frozen=True)
class Layout:
    """The columns of one template, in order: fixed ones, then the breakdown (values, then
    denominators when a percentage has a breakdown), then evidence and notes."""

    keys: list[str]
    categories: list[Category]
    denominators: bool

    @classmethod
    def of(cls, categories: Iterable[Category], *, denominators: bool) -> Layout:
        cats = list(categories)
        keys = [c.key for c in BEFORE] + [part_key(c.pk, "value") for c in cats]
        if denominators:
            keys += [part_key(c.pk, "denominator") for c in cats]
        keys += [c.key for c in AFTER]
        return cls(keys, cats, denominators)

    def labels(self, lang: str) -> list[str]:
        cats = {c.pk: c for c in self.categories}
        out = []
        with translation.override(lang):
            for key in self.keys:
                part = parse_part_key(key)
                if part is None:
                    out.append(str(LABEL[key]))
                else:
                    cid, field = part
                    out.append(category_label(cats[cid], lang, denominator=field != "value"))
        return out


def header_index(categories: Iterable[Category]) -> dict[str, str]:
    """Normalised header, in either language -> column key."""
    cats = list(categories)
    index: dict[str, str] = {}
    for lang in LANGS:
        with translation.override(lang):
            for column in BEFORE + AFTER:
                index[normalise(str(column.label))] = column.key
        for cat in cats:
            index[normalise(category_label(cat, lang))] = part_key(cat.pk, "value")
            index[normalise(category_label(cat, lang, denominator=True))] = part_key(
                cat.pk, "denominator"
            )
    return index
