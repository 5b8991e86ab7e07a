"""Charts drawn on the server as inline SVG, for indicator dashboards.

No script and no inline style (the Content-Security-Policy forbids both): shapes carry SVG
presentation attributes, and rumbo.css only sizes the chart. Each chart is one
`<svg role="img">` named by its `<title>` and `<desc>`; every mark has a `<title>` (label and
value, written as the active language writes numbers) that browsers show as a tooltip. A
missing value is drawn hatched as "no data", never as a zero. Categories take the Okabe-Ito
palette and classes a viridis ramp, both readable by colour-blind people and in greyscale, and
every value is also written as text, so colour never carries meaning alone. Values given with
`percent=True` are already in per cent (45 is "45 %")."""

from __future__ import annotations

import hashlib
import html
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .tables import active_language, format_number, to_decimal

Number = Decimal | float | int

WIDTH = 640
CHAR = 7.0  # width of a 12 px character, a wide font's, to leave room for labels
INK, MUTED, GRID, AXIS = "#1d2733", "#566270", "#d5dbe1", "#8a96a3"
# Okabe & Ito (2008), without the yellow that vanishes on white, ordered for contrast.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]
# Viridis at five steps, light (low) to dark (high); ink for the light ones, white for the dark.
RAMP = ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"]
RAMP_TEXT = [INK, INK, INK, "#fff", "#fff"]
# Where each country's tile sits (column, row): roughly where it lies on the map. Add a
# country by adding its ISO 3166-1 alpha-3 code here.
TILE_LAYOUT: dict[str, tuple[int, int]] = {
    "CAN": (1, 0),
    "USA": (1, 1),
    "MEX": (0, 2),
    "DOM": (4, 2),
    "GTM": (1, 3),
    "BLZ": (2, 3),
    "SLV": (1, 4),
    "HND": (2, 4),
    "NIC": (2, 5),
    "CRI": (2, 6),
    "PAN": (3, 6),
}


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | float | None
    target: Decimal | float | None = None
    note: str = ""


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Decimal | float | None]
    kind: str = "actual"  # or "target"


def _n(x: float) -> str:
    """A coordinate, short."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _e(text: object) -> str:
    # The standard library's escape, as Django's calls it, without its lazy-text wrapper:
    # a chart escapes every label and value it writes.
    return html.escape(str(text))


def _places(values: Sequence[Decimal]) -> int:
    """Decimals enough for the values given, at most two: one chart, one precision. A float's
    noise (41.099999999999994) is not a precision."""
    places = 0
    for v in values:
        exponent = (round(v, 6) if abs(v) < 10**15 else v).normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < 0:
            places = max(places, -exponent)
    return min(places, 2)


def _formatter(
    values: Sequence[Decimal], *, percent: bool = False, unit: str = ""
) -> Callable[[Decimal | None], str]:
    lang, places = active_language(), _places(values)
    missing = _("no data")  # looked up once: a chart writes it for every empty point

    def fmt(value: Decimal | None) -> str:
        if value is None:
            return missing
        return format_number(value, lang, places=places, percent=percent, unit=unit)

    return fmt


def _ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering lo..hi (lo <= 0 <= hi for the zero-based scales)."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(lo / step + 1e-9) * step
    ticks = [start]
    while ticks[-1] < hi - 1e-9 * step:
        ticks.append(ticks[-1] + step)
    return [round(t, 10) for t in ticks]


def _extent(values: Sequence[Decimal]) -> tuple[float, float]:
    """The range a zero-based scale covers: zero and every value (0..1 when all are zero)."""
    lo, hi = float(min([Decimal(0), *values])), float(max([Decimal(0), *values]))
    return (lo, hi) if hi > lo else (lo, lo + 1)


def _ticks_within(lo: float, hi: float) -> list[float]:
    """Round ticks inside lo..hi: the bars use the whole width, the grid stays round."""
    slack = (hi - lo) * 1e-9
    return [t for t in _ticks(lo, hi) if lo - slack <= t <= hi + slack]


def _scale(lo: float, hi: float, x0: float, x1: float) -> Callable[[float | Decimal], float]:
    span = (hi - lo) or 1
    return lambda v: x0 + (float(v) - lo) / span * (x1 - x0)


def _wrap(text: str, width: int, lines: int = 2) -> list[str]:
    """`text` in at most `lines` lines of about `width` characters, cut with "…"."""
    words, out, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    out.append(line)
    if len(out) > lines:
        out = [*out[: lines - 1], " ".join(out[lines - 1 :])]
    return [s if len(s) <= width else s[: width - 1] + "…" for s in out]


def _uid(kind: str, *parts: object) -> str:
    digest = hashlib.sha1(repr((kind, *parts)).encode(), usedforsecurity=False).hexdigest()
    return f"ch{digest[:8]}"


def _svg(
    kind: str, uid: str, width: float, height: float, title: str, desc: str, body: str
) -> SafeString:
    hatch = (
        f'<defs><pattern id="{uid}-nd" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<path d="M0 0V6" stroke="{AXIS}" stroke-width="1.5"/></pattern></defs>'
        if f"url(#{uid}-nd)" in body
        else ""
    )
    w, h = _n(width), _n(height)
    # Every text in `body` and here went through _e().
    return mark_safe(  # nosec B308 B703 # every text inside went through _e()
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" viewBox="0 0 {w} {h}" '
        f'width="{w}" height="{h}" role="img" aria-labelledby="{uid}-t {uid}-d" '
        f'font-family="system-ui, sans-serif" font-size="12" fill="{INK}">'
        f'<title id="{uid}-t">{_e(title)}</title><desc id="{uid}-d">{_e(desc)}</desc>'
        f"{hatch}{body}</svg>"
    )


def _nodata_box(uid: str, x: float, y: float, w: float, h: float, tip: str, cls: str = "") -> str:
    return (
        f'<rect class="nodata{cls}" x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" '
        f'fill="url(#{uid}-nd)" stroke="{MUTED}"><title>{_e(tip)}</title></rect>'
    )


def _legend(uid: str, items: list[tuple[str, str]], y: float, x0: float = 8) -> tuple[str, float]:
    """Legend entries (swatch SVG drawn in a 24×12 box at the origin, label) in rows that fit
    the width; returns the SVG and the height used."""
    out, x, row = [], x0, 0
    for swatch, label in items:
        w = 30 + len(label) * CHAR + 22
        if x > x0 and x + w > WIDTH - 8:
            x, row = x0, row + 1
        ty = y + row * 20
        out.append(
            f'<g class="key" transform="translate({_n(x)} {_n(ty)})">{swatch}'
            f'<text x="30" y="10">{_e(label)}</text></g>'
        )
        x += w
    return '<g class="legend">' + "".join(out) + "</g>", (row + 1) * 20 if items else 0


def _hatch_swatch(uid: str) -> str:
    return f'<rect width="24" height="12" fill="url(#{uid}-nd)" stroke="{MUTED}"/>'


def _tick_labels(ticks: list[float], percent: bool) -> list[str]:
    """Tick values with the decimals they need (not those of the data)."""
    numbers = [Decimal(str(t)) for t in ticks]
    fmt = _formatter(numbers, percent=percent)
    return [fmt(n) for n in numbers]


def _axis(
    scale: Callable[[float | Decimal], float],
    ticks: list[float],
    percent: bool,
    top: float,
    bottom: float,
) -> str:
    """Vertical grid lines at the ticks, labelled under the plot; the zero line darker."""
    lines, labels = [], []
    for t, text in zip(ticks, _tick_labels(ticks, percent), strict=True):
        x = _n(scale(t))
        colour = AXIS if t == 0 else GRID
        lines.append(f'<path d="M{x} {_n(top)}V{_n(bottom)}" stroke="{colour}"/>')
        labels.append(f'<text x="{x}" y="{_n(bottom + 14)}">{_e(text)}</text>')
    return (
        f'<g class="grid">{"".join(lines)}</g>'
        f'<g class="ticks" text-anchor="middle" fill="{MUTED}" font-size="11">{"".join(labels)}</g>'
    )


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    description: str = "",
    unit: str = "",
    percent: bool = False,
) -> SafeString:
    """Horizontal bars from zero, one per label, the value written at the bar's end; a target
    tick on each bar that has one (and "Target" in the legend); no data hatched."""
    uid = _uid("bar", title, description, unit, percent, tuple(bars))
    values = [to_decimal(b.value) for b in bars]
    targets = [to_decimal(b.target) for b in bars]
    known = [v for v in values + targets if v is not None]
    fmt = _formatter(known, percent=percent, unit=unit)
    lo, hi = _extent(known)
    ticks = _ticks_within(lo, hi)
    labels = [_wrap(b.label, 30) for b in bars]
    label_w = min(210, max([40] + [len(line) * CHAR for lines in labels for line in lines]))
    text_w = max([30] + [len(fmt(v)) * CHAR for v in values]) + 14  # past a target tick too
    row_h = 34 if any(len(lines) > 1 for lines in labels) else 26
    bar_h = 16

    legend_items = []
    if any(t is not None for t in targets):
        swatch = '<rect x="10" y="-2" width="4" height="16" fill="#000" stroke="#fff"/>'
        legend_items.append((swatch, _("Target")))
    if any(v is None for v in values):
        legend_items.append((_hatch_swatch(uid), _("No data")))
    legend, legend_h = _legend(uid, legend_items, 8)
    top = 8 + legend_h + (6 if legend_h else 0)
    bottom = top + len(bars) * row_h
    x0 = label_w + 16 + (text_w if lo < 0 else 0)
    scale = _scale(lo, hi, x0, WIDTH - text_w)
    zero = scale(0)

    names, marks, texts, ticks_svg, missing = [], [], [], [], []
    for i, (bar, value, target, lines) in enumerate(
        zip(bars, values, targets, labels, strict=True)
    ):
        y = top + i * row_h
        by = y + (row_h - bar_h) / 2
        cy = y + row_h / 2 + 4
        first = cy - (len(lines) - 1) * 7
        spans = "".join(
            f'<tspan x="{_n(label_w + 8)}" y="{_n(first + k * 14)}">{_e(line)}</tspan>'
            for k, line in enumerate(lines)
        )
        names.append(f"<text>{spans}</text>")
        note = f" ({bar.note})" if bar.note else ""
        if value is None:
            # Right of the zero line, or left of it when all values are negative.
            left = zero + 26 + len(fmt(None)) * CHAR > WIDTH
            box, tx = (zero - 22, zero - 26) if left else (zero, zero + 26)
            tip = f"{bar.label}: {fmt(None)}{note}"
            missing.append(_nodata_box(uid, box, by, 22, bar_h, tip))
            anchor = ' text-anchor="end"' if left else ""
            texts.append(
                f'<text x="{_n(tx)}" y="{_n(cy)}" fill="{MUTED}" font-style="italic"{anchor}>'
                f"{_e(fmt(None))}</text>"
            )
        else:
            end = scale(value)
            x, w = min(zero, end), max(abs(end - zero), 1.5)
            marks.append(
                f'<rect x="{_n(x)}" y="{_n(by)}" width="{_n(w)}" height="{bar_h}">'
                f"<title>{_e(f'{bar.label}: {fmt(value)}{note}')}</title></rect>"
            )
            anchor = ' text-anchor="end"' if value < 0 else ""
            # Past the target tick too, so that the two never overlap.
            reach = [end] if target is None else [end, scale(target) + (2 if value >= 0 else -2)]
            tx = min(reach) - 4 if value < 0 else max(*reach, zero) + 4
            texts.append(f'<text x="{_n(tx)}" y="{_n(cy)}"{anchor}>{_e(fmt(value))}</text>')
        if target is not None:
            tip = f"{bar.label} — {_('Target')}: {fmt(target)}"
            ticks_svg.append(
                f'<rect class="target" x="{_n(scale(target) - 2)}" y="{_n(by - 4)}" width="4" '
                f'height="{bar_h + 8}"><title>{_e(tip)}</title></rect>'
            )
    body = (
        legend
        + (_axis(scale, ticks, percent, top, bottom) if known else "")
        + f'<g class="labels" text-anchor="end">{"".join(names)}</g>'
        + f'<g class="bars" fill="{PALETTE[0]}">{"".join(marks)}</g>'
        + "".join(missing)
        + f'<g class="targets" fill="#000" stroke="#fff">{"".join(ticks_svg)}</g>'
        + f'<g class="values">{"".join(texts)}</g>'
    )
    desc = description or _summary([(b.label, v) for b, v in zip(bars, values, strict=True)], fmt)
    return _svg("bar", uid, WIDTH, bottom + 22, title, desc, body)


def _summary(pairs: Sequence[tuple[str, Decimal | None]], fmt: Callable) -> str:
    """A sentence for who cannot see the chart: the highest, the lowest, who has no data."""
    known = [(label, v) for label, v in pairs if v is not None]
    parts = []
    if known:
        high = max(known, key=lambda p: p[1])
        low = min(known, key=lambda p: p[1])
        parts.append(
            _("Highest: %(label)s, %(value)s.") % {"label": high[0], "value": fmt(high[1])}
        )
        if len(known) > 1:
            parts.append(
                _("Lowest: %(label)s, %(value)s.") % {"label": low[0], "value": fmt(low[1])}
            )
    gaps = [label for label, v in pairs if v is None]
    if gaps:
        parts.append(_("No data: %(labels)s.") % {"labels": ", ".join(gaps)})
    return " ".join(parts)


MARKERS = ["circle", "square", "diamond", "triangle"]


def _marker(shape: str, x: float, y: float, tip: str, hollow: bool, colour: str) -> str:
    """A point of a line: each series its own shape, so that greyscale still tells them apart;
    target points hollow."""
    fill = ' fill="#fff"' if hollow else ""
    t = f"<title>{_e(tip)}</title>"
    if shape == "circle":
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4"{fill}>{t}</circle>'
    if shape == "square":
        return f'<rect x="{_n(x - 3.5)}" y="{_n(y - 3.5)}" width="7" height="7"{fill}>{t}</rect>'
    if shape == "diamond":
        d = f"M{_n(x)} {_n(y - 5)}l5 5l-5 5l-5-5z"
    else:
        d = f"M{_n(x)} {_n(y - 5)}l5 9h-10z"
    return f'<path d="{d}"{fill}>{t}</path>'


def _line_key(colour: str, dashed: bool, shape: str) -> str:
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    point = _marker(shape, 12, 6, "", dashed, colour).replace("<title></title>", "")
    return (
        f'<g stroke="{colour}" fill="{colour}" stroke-width="2">'
        f'<path d="M0 6H24" fill="none"{dash}/>{point}</g>'
    )


def line_chart(
    periods: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    description: str = "",
    unit: str = "",
    percent: bool = False,
) -> SafeString:
    """Values over periods: actual series as solid lines with points, target series dashed
    with hollow points; a gap where a value is missing (marked "no data" on the axis for
    actual series); the period labels thinned when there are many."""
    uid = _uid("line", title, description, unit, percent, tuple(periods), tuple(series))
    table = [[to_decimal(v) for v in s.values][: len(periods)] for s in series]
    table = [vals + [None] * (len(periods) - len(vals)) for vals in table]
    known = [v for vals in table for v in vals if v is not None]
    fmt = _formatter(known, percent=percent, unit=unit)
    ticks = _ticks(*_extent(known))
    styles = [
        (PALETTE[i % len(PALETTE)], s.kind == "target", MARKERS[i % len(MARKERS)])
        for i, s in enumerate(series)
    ]
    gaps = {
        p
        for s, vals in zip(series, table, strict=True)
        if s.kind != "target"
        for p, v in enumerate(vals)
        if v is None
    }
    items = [(_line_key(*style), s.name) for style, s in zip(styles, series, strict=True)]
    if gaps:
        items.append((_hatch_swatch(uid), _("No data")))
    legend, legend_h = _legend(uid, items, 8)
    top = 8 + legend_h + 12
    bottom = top + 220
    tick_labels = _tick_labels(ticks, percent) if known else [""] * len(ticks)
    y_w = max(len(t) for t in tick_labels) * CHAR + 12
    x0, x1 = 8 + y_w, WIDTH - 12
    step = (x1 - x0) / max(len(periods), 1)
    xs = [x0 + step * (i + 0.5) for i in range(len(periods))]
    scale = _scale(ticks[0], ticks[-1], bottom, top)

    grid, ylabels = [], []
    for t, text in zip(ticks, tick_labels, strict=True):
        gy = _n(scale(t))
        grid.append(f'<path d="M{_n(x0)} {gy}H{_n(x1)}" stroke="{AXIS if t == 0 else GRID}"/>')
        ylabels.append(f'<text x="{_n(x0 - 6)}" y="{_n(scale(t) + 4)}">{_e(text)}</text>')
    longest = max([len(p) for p in periods] + [1])
    every = max(1, math.ceil(len(periods) * (longest * CHAR + 10) / (x1 - x0)))
    xlabels = [
        f'<text x="{_n(x)}" y="{_n(bottom + 16)}">{_e(p)}</text>'
        for i, (x, p) in enumerate(zip(xs, periods, strict=True))
        if i % every == 0
    ]
    lines = []
    for s, vals, (colour, dashed, shape) in zip(series, table, styles, strict=True):
        path: list[str] = []
        points: list[str] = []
        pen = "M"
        for p, (x, v) in enumerate(zip(xs, vals, strict=True)):
            if v is None:
                # An actual series breaks where a value is missing; targets set for some
                # periods only are joined from one to the next.
                pen = "L" if dashed and path else "M"
                continue
            y = scale(v)
            path.append(f"{pen}{_n(x)} {_n(y)}")
            pen = "L"
            points.append(
                _marker(shape, x, y, f"{s.name} — {periods[p]}: {fmt(v)}", dashed, colour)
            )
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        lines.append(
            f'<g class="series {"target" if dashed else "actual"}" stroke="{colour}" '
            f'fill="{colour}" stroke-width="2"><path d="{"".join(path)}" fill="none"{dash}/>'
            f"{''.join(points)}</g>"
        )
    missing = []
    for p in sorted(gaps):
        names = ", ".join(
            s.name
            for s, vals in zip(series, table, strict=True)
            if s.kind != "target" and vals[p] is None
        )
        tip = f"{periods[p]}: {_('no data')} — {names}"
        missing.append(_nodata_box(uid, xs[p] - 5, bottom - 5, 10, 10, tip))
    body = (
        legend
        + f'<g class="grid">{"".join(grid)}</g>'
        + f'<g class="ticks" text-anchor="end" fill="{MUTED}" font-size="11">{"".join(ylabels)}</g>'
        + f'<g class="periods" text-anchor="middle" fill="{MUTED}" font-size="11">'
        + f"{''.join(xlabels)}</g>"
        + "".join(missing)
        + "".join(lines)
    )
    desc = description or " ".join(
        _summary_series(s.name, periods, vals, fmt)
        for s, vals in zip(series, table, strict=True)
        if s.kind != "target"
    )
    return _svg("line", uid, WIDTH, bottom + 26, title, desc, body)


def _summary_series(
    name: str, periods: Sequence[str], values: Sequence[Decimal | None], fmt: Callable
) -> str:
    known = [(p, v) for p, v in zip(periods, values, strict=True) if v is not None]
    if not known:
        return _("%(name)s: no data.") % {"name": name}
    (first_p, first), (last_p, last) = known[0], known[-1]
    return _("%(name)s: %(first)s in %(start)s, %(last)s in %(end)s.") % {
        "name": name,
        "first": fmt(first),
        "start": first_p,
        "last": fmt(last),
        "end": last_p,
    }


def _text_on(colour: str) -> str:
    """Ink or white, whichever reads better on `colour` (WCAG relative luminance)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lum = sum(
        w * (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
        for w, c in zip((0.2126, 0.7152, 0.0722), channels, strict=True)
    )
    return "#fff" if (1.05 / (lum + 0.05)) > ((lum + 0.05) / 0.05) else "#000"


def stacked_bar_chart(
    rows: Sequence[str],
    categories: Sequence[str],
    values: Sequence[Sequence[Decimal | float | None]],
    *,
    title: str,
    description: str = "",
    unit: str = "",
) -> SafeString:
    """One horizontal bar per row split by category (values stacked from zero, negatives to
    the left), each part labelled when it is wide enough, the row's total at the end; a row's
    missing parts hatched after the bar."""
    uid = _uid("stack", title, description, unit, tuple(rows), tuple(categories), repr(values))
    grid_values = [
        [to_decimal(v) for v in (list(row_values) + [None] * len(categories))[: len(categories)]]
        for row_values in values
    ]
    grid_values += [[None] * len(categories)] * (len(rows) - len(grid_values))
    known = [v for row in grid_values for v in row if v is not None]
    fmt = _formatter(known, unit=unit)
    highs = [sum((v for v in row if v is not None and v > 0), Decimal(0)) for row in grid_values]
    lows = [sum((v for v in row if v is not None and v < 0), Decimal(0)) for row in grid_values]
    lo, hi = _extent([*lows, *highs])
    ticks = _ticks_within(lo, hi)
    labels = [_wrap(r, 30) for r in rows]
    label_w = min(210, max([40] + [len(line) * CHAR for lines in labels for line in lines]))
    totals = [
        sum((v for v in row if v is not None), Decimal(0))
        if any(v is not None for v in row)
        else None
        for row in grid_values
    ]
    text_w = max([30] + [len(fmt(t)) * CHAR for t in totals]) + 22
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(categories))]
    items = [
        (f'<rect width="24" height="12" fill="{c}"/>', name)
        for c, name in zip(colours, categories, strict=True)
    ]
    if any(v is None for row in grid_values for v in row):
        items.append((_hatch_swatch(uid), _("No data")))
    legend, legend_h = _legend(uid, items, 8)
    top = 8 + legend_h + 6
    row_h = 34 if any(len(lines) > 1 for lines in labels) else 28
    bar_h = 20
    bottom = top + len(rows) * row_h
    x0 = label_w + 16 + (text_w if lo < 0 else 0)
    scale = _scale(lo, hi, x0, WIDTH - text_w)

    names, parts, texts, missing = [], [], [], []
    for i, (row, lines, cells, total) in enumerate(
        zip(rows, labels, grid_values, totals, strict=True)
    ):
        y = top + i * row_h
        by, cy = y + (row_h - bar_h) / 2, y + row_h / 2 + 4
        first = cy - (len(lines) - 1) * 7
        spans = "".join(
            f'<tspan x="{_n(label_w + 8)}" y="{_n(first + k * 14)}">{_e(line)}</tspan>'
            for k, line in enumerate(lines)
        )
        names.append(f"<text>{spans}</text>")
        size = sum((abs(v) for v in cells if v is not None), Decimal(0))
        right = left = Decimal(0)
        for c, value in enumerate(cells):
            if value is None or value == 0:
                continue
            start = right if value > 0 else left + value
            if value > 0:
                right += value
            else:
                left += value
            x, w = scale(start), abs(scale(start + abs(value)) - scale(start))
            share = format_number(
                abs(value) / size * 100, active_language(), places=0, percent=True
            )
            tip = f"{row} — {categories[c]}: {fmt(value)} ({share})"
            parts.append(
                f'<rect x="{_n(x)}" y="{_n(by)}" width="{_n(w)}" height="{bar_h}" '
                f'fill="{colours[c]}"><title>{_e(tip)}</title></rect>'
            )
            label = fmt(value)
            if w > len(label) * CHAR * 0.92 + 6:
                texts.append(
                    f'<text x="{_n(x + w / 2)}" y="{_n(cy)}" text-anchor="middle" font-size="11" '
                    f'fill="{_text_on(colours[c])}">{_e(label)}</text>'
                )
        end = scale(right)
        gaps = [categories[c] for c, v in enumerate(cells) if v is None]
        if gaps:
            tip = f"{row}: {_('no data')} — {', '.join(gaps)}"
            missing.append(_nodata_box(uid, end + 3, by, 12, bar_h, tip))
            end += 15
        shown = fmt(total) if total is not None else fmt(None)
        style = f' fill="{MUTED}" font-style="italic"' if total is None else ' font-weight="600"'
        texts.append(f'<text x="{_n(end + 4)}" y="{_n(cy)}"{style}>{_e(shown)}</text>')
    body = (
        legend
        + (_axis(scale, ticks, False, top, bottom) if known else "")
        + f'<g class="labels" text-anchor="end">{"".join(names)}</g>'
        + f'<g class="parts" stroke="#fff">{"".join(parts)}</g>'
        + "".join(missing)
        + f'<g class="values">{"".join(texts)}</g>'
    )
    desc = description or _summary(list(zip(rows, totals, strict=True)), fmt)
    return _svg("stacked", uid, WIDTH, bottom + 22, title, desc, body)


def _classes(values: Sequence[Decimal]) -> list[list[Decimal]]:
    """The values in at most five classes of about equal size (quantiles), each the sorted list
    of its values; equal values always share a class."""
    ordered = sorted(values)
    if len(set(ordered)) <= len(RAMP):
        return [[v for v in ordered if v == d] for d in sorted(set(ordered))]
    cuts = sorted({ordered[math.ceil(k * len(ordered) / len(RAMP))] for k in range(len(RAMP))})
    return [
        [v for v in ordered if v >= low and (high is None or v < high)]
        for low, high in zip(cuts, [*cuts[1:], None], strict=True)
    ]


def tile_map(
    values: Mapping[str, Decimal | float | None],
    *,
    title: str,
    description: str = "",
    names: Mapping[str, str] | None = None,
    unit: str = "",
    percent: bool = False,
) -> SafeString:
    """The member countries as equal square tiles placed roughly where they lie (TILE_LAYOUT),
    each coloured by its class (quantiles of the data, five at most, light to dark) and
    showing its code and value; no data hatched. Codes not in TILE_LAYOUT are left out."""
    names = names or {}
    uid = _uid(
        "tiles", title, description, unit, percent, sorted(values.items()), sorted(names.items())
    )
    data = {code: to_decimal(values.get(code)) for code in TILE_LAYOUT}
    known = [v for v in data.values() if v is not None]
    fmt = _formatter(known, percent=percent, unit=unit)
    classes = _classes(known)
    # Spread the classes over the ramp: two classes are its ends, not its two lightest steps.
    shades = [
        round(k * (len(RAMP) - 1) / (len(classes) - 1)) if len(classes) > 1 else 2
        for k in range(len(classes))
    ]

    def shade(value: Decimal) -> int:
        return next(shades[k] for k, c in enumerate(classes) if value <= c[-1])

    size, gap, pad = 64, 4, 8
    cols = max(c for c, _r in TILE_LAYOUT.values()) + 1
    rows = max(r for _c, r in TILE_LAYOUT.values()) + 1
    tiles = []
    for code, (col, row) in TILE_LAYOUT.items():
        x, y = pad + col * (size + gap), pad + row * (size + gap)
        value = data[code]
        tip = f"{names.get(code, code)}: {fmt(value)}"
        if value is None:
            fill, ink, cls, shown = f"url(#{uid}-nd)", INK, "nodata", "—"
            stroke = f' stroke="{MUTED}"'
        else:
            q = shade(value)
            fill, ink, cls, shown, stroke = RAMP[q], RAMP_TEXT[q], f"q{q}", fmt(value), ""
        font = min(11.0, (size - 6) / max(len(shown) * 0.6, 1))
        tiles.append(
            f'<g class="tile {cls}" data-code="{_e(code)}"><title>{_e(tip)}</title>'
            f'<rect x="{x}" y="{y}" width="{size}" height="{size}" rx="3" fill="{fill}"{stroke}/>'
            f'<text x="{x + size / 2:g}" y="{y + 27}" font-weight="700" font-size="13" '
            f'fill="{ink}">{_e(code)}</text>'
            f'<text x="{x + size / 2:g}" y="{y + 46}" font-size="{_n(font)}" fill="{ink}">'
            f"{_e(shown)}</text></g>"
        )
    lx = pad + cols * (size + gap) + 20
    keys = []
    for k, members in enumerate(classes):
        low, high = fmt(members[0]), fmt(members[-1])
        label = low if members[0] == members[-1] else f"{low} – {high}"
        keys.append((f"q{shades[k]}", f'fill="{RAMP[shades[k]]}"', label))
    if len(known) < len(TILE_LAYOUT):
        keys.append(("nodata", f'fill="url(#{uid}-nd)" stroke="{MUTED}"', _("No data")))
    legend = "".join(
        f'<g class="key {cls}">'
        f'<rect x="{lx}" y="{pad + 22 + k * 24}" width="24" height="16" {paint}/>'
        f'<text x="{lx + 32}" y="{pad + 35 + k * 24}">{_e(label)}</text></g>'
        for k, (cls, paint, label) in enumerate(keys)
    )
    heading = _("Legend")
    width = lx + 32 + max([len(heading)] + [len(k[2]) for k in keys]) * CHAR + 8
    height = max(pad * 2 + rows * (size + gap), pad + 40 + len(keys) * 24)
    body = (
        f'<g class="tiles" text-anchor="middle">{"".join(tiles)}</g>'
        f'<g class="legend"><text x="{lx}" y="{pad + 12}" font-weight="700">{_e(heading)}</text>'
        f"{legend}</g>"
    )
    desc = description or _summary([(names.get(c, c), v) for c, v in data.items()], fmt)
    return _svg("tiles", uid, max(width, 420), height, title, desc, body)
