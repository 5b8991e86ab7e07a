"""Numbers as people write them, in either language, and as each language shows them.

One rule for forms and workbooks: "15000,50", "15.000,50", "15000.50" and "15,000.50" are all
fifteen thousand and a half. With both separators, the last one is the decimal one; one
separator repeated groups thousands ("1.234.567"). Once, it is the decimal one, except where
the language writes thousands with it and three digits follow: in Spanish "5.000" is five
thousand, in English "5,000" is (a budget is typed with its cents far more often than with a
thousands separator and no cents, but "5.000" in Spanish is never five)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

GROUPING = {"es": ".", "en": ","}  # the mark each language groups thousands with
_GROUPED = re.compile(r"[-+]?[1-9]\d{0,2}(?:[.,]\d{3})+")


def parse_decimal(raw: str, lang: str | None = None) -> Decimal:
    """The number `raw` says; ValueError when it is not one (or is infinite, or NaN).

    Both marks ("15.000,50", "15,000.50"): the last one is the decimal mark. One kind of mark
    only: repeated, it groups thousands ("1.234.567"); once, it is the decimal mark, unless it
    is the language's grouping mark followed by three digits (`lang` "es": "5.000" is five
    thousand; "en": "5,000" is). Without `lang`, once is always the decimal mark."""
    text = raw.strip().replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif _GROUPED.fullmatch(text) and (
        text.count(text[-4]) > 1 or GROUPING.get(lang or "") == text[-4]
    ):
        text = text.replace(text[-4], "")
    elif "," in text:
        if text.count(",") > 1:
            raise ValueError(raw)
        text = text.replace(",", ".")
    elif text.count(".") > 1:
        raise ValueError(raw)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(raw) from None
    if not number.is_finite():
        raise ValueError(raw)
    return number


def plain(value: Decimal | None) -> Decimal | None:
    """A stored number without the zeros of its column's scale ("12.5", not "12.5000"), never
    in exponent form ("1000", not "1E+3")."""
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def format_decimal(value: Decimal | int | float | None, lang: str) -> str:
    """A number as it is typed back into a form: no grouping, the language's decimal mark."""
    if value is None:
        return ""
    text = format(Decimal(value), "f")
    return text.replace(".", ",") if lang == "es" else text
