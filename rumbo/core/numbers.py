"""Numbers as people write them, in either language, and as each language shows them.

One rule for forms and workbooks: "15000,50", "15.000,50", "15000.50" and "15,000.50" are all
fifteen thousand and a half. With both separators, the last one is the decimal one; with one
separator only, it is the decimal one (a budget is typed with its cents far more often than
with a thousands separator and no cents)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def parse_decimal(raw: str) -> Decimal:
    """The number `raw` says; ValueError when it is not one (or is infinite, or NaN)."""
    text = raw.strip().replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
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


def format_decimal(value: Decimal | int | float | None, lang: str) -> str:
    """A number as it is typed back into a form: no grouping, the language's decimal mark."""
    if value is None:
        return ""
    text = format(Decimal(value), "f")
    return text.replace(".", ",") if lang == "es" else text
