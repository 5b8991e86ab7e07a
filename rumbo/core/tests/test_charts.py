"""Charts as a reader meets them: an image with a name and a description, every mark with its
value written as the reader's language writes numbers, no data never drawn as zero, nothing
a label says ever run, nothing the Content-Security-Policy would block, small enough for a
slow link, and the data table under each chart."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from rumbo.core.charts import (
    RAMP,
    TILE_LAYOUT,
    Bar,
    Series,
    bar_chart,
    line_chart,
    stacked_bar_chart,
    tile_map,
)
from rumbo.core.tables import Table

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script>"
NO_DATA = {"es": "sin datos", "en": "no data"}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def titles(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}title")]


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def group(root: ET.Element, cls: str) -> ET.Element:
    return next(g for g in root.iter(f"{SVG}g") if cls in (g.get("class") or "").split())


def classes(el: ET.Element) -> set[str]:
    return set((el.get("class") or "").split())


def every_chart() -> dict[str, str]:
    """One chart of each kind, each with a hostile label, a missing value and a target."""
    return {
        "bar": bar_chart(
            [Bar(HOSTILE, Decimal("1234.5"), 1000), Bar("Belice", None), Bar("Canadá", -20)],
            title=f"Bars {HOSTILE}",
            description="Share of activities finished",
        ),
        "line": line_chart(
            ["2023", "2024", "2025"],
            [Series(HOSTILE, [1, None, Decimal("1234.5")]), Series("Meta", [None, 2, 3], "target")],
            title="Line",
        ),
        "stacked": stacked_bar_chart(
            [HOSTILE, "2024"],
            ["Mujeres", HOSTILE],
            [[Decimal("1234.5"), 3], [None, 4]],
            title="Stacked",
        ),
        "tiles": tile_map(
            {"MEX": Decimal("1234.5"), "CAN": 3, "USA": None},
            title="Tiles",
            names={"MEX": HOSTILE},
        ),
    }


@pytest.fixture(params=["es", "en"])
def lang(request):
    with translation.override(request.param):
        yield request.param


@pytest.mark.parametrize("kind", ["bar", "line", "stacked", "tiles"])
def test_every_chart_is_a_named_image_without_inline_style_or_script(kind, lang):
    svg = every_chart()[kind]
    root = parse(svg)  # well-formed XML, or this raises
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    ids = {el.get("id"): el for el in root.iter() if el.get("id")}
    named_by = root.get("aria-labelledby").split()
    assert [ids[i].tag for i in named_by] == [f"{SVG}title", f"{SVG}desc"]
    assert all((ids[i].text or "").strip() for i in named_by)
    assert not [el for el in root.iter() if "style" in el.attrib]
    assert not list(root.iter(f"{SVG}style")) and not list(root.iter(f"{SVG}script"))
    assert "<script" not in svg and "&lt;script&gt;" in svg
    assert any(HOSTILE in t for t in titles(root) + texts(root))  # shown as text, escaped


@pytest.mark.parametrize("kind", ["bar", "line", "stacked", "tiles"])
def test_every_value_is_written_as_the_language_writes_numbers(kind, lang):
    root = parse(every_chart()[kind])
    written = " ".join(titles(root) + texts(root))
    assert ("1.234,5" if lang == "es" else "1,234.5") in written
    assert ("1,234.5" if lang == "es" else "1.234,5") not in written


def test_each_bar_has_a_tooltip_with_its_label_and_value(lang):
    root = parse(every_chart()["bar"])
    bars = list(group(root, "bars"))
    assert [b.find(f"{SVG}title").text for b in bars] == [
        f"{HOSTILE}: {'1.234,5' if lang == 'es' else '1,234.5'}",
        f"Canadá: {'-20,0' if lang == 'es' else '-20.0'}",
    ]


def test_no_data_is_hatched_and_written_never_a_zero_length_bar(lang):
    root = parse(bar_chart([Bar("Belice", None), Bar("Panamá", 0)], title="t"))
    bar_tips = [b.find(f"{SVG}title").text for b in group(root, "bars")]
    assert bar_tips == ["Panamá: 0"]  # a real zero is a bar; no data is not
    assert float(next(iter(group(root, "bars"))).get("width")) > 0  # and a zero is seen
    missing = [el for el in root.iter(f"{SVG}rect") if "nodata" in classes(el)]
    assert [m.find(f"{SVG}title").text for m in missing] == [f"Belice: {NO_DATA[lang]}"]
    assert missing[0].get("fill").startswith("url(#")
    assert NO_DATA[lang] in texts(root)
    assert ("Sin datos" if lang == "es" else "No data") in texts(root)  # in the legend


def test_a_chart_with_no_values_at_all_shows_no_data_and_no_scale(lang):
    root = parse(bar_chart([Bar("A", None), Bar("B", None)], title="t"))
    assert not list(group(root, "bars"))
    assert len([el for el in root.iter(f"{SVG}rect") if "nodata" in classes(el)]) == 2
    assert not [g for g in root.iter(f"{SVG}g") if "grid" in classes(g)]


def test_target_ticks_appear_only_for_bars_that_have_a_target(lang):
    with_targets = parse(bar_chart([Bar("A", 5, 8), Bar("B", 6), Bar("C", None, 4)], title="t"))
    ticks = list(group(with_targets, "targets"))
    target = "Meta" if lang == "es" else "Target"
    assert [t.find(f"{SVG}title").text for t in ticks] == [f"A — {target}: 8", f"C — {target}: 4"]
    assert target in texts(with_targets)
    without = parse(bar_chart([Bar("A", 5), Bar("B", 6)], title="t"))
    assert not list(group(without, "targets")) and target not in texts(without)


def test_bars_start_at_zero_and_a_negative_value_goes_left(lang):
    root = parse(bar_chart([Bar("up", 10), Bar("down", -5)], title="t"))
    up, down = (float(r.get("x")) for r in group(root, "bars"))
    widths = [float(r.get("width")) for r in group(root, "bars")]
    assert down + widths[1] == pytest.approx(up)  # both meet at the zero line
    assert widths[0] == pytest.approx(2 * widths[1], rel=0.01)


def test_percent_values_carry_the_percent_sign(lang):
    root = parse(bar_chart([Bar("A", Decimal("45.5"))], title="t", percent=True))
    assert ("45,5\u00a0%" if lang == "es" else "45.5%") in texts(root)


def test_thirty_five_bars_stay_well_under_twenty_kilobytes():
    bars = [
        Bar(f"República número {i}", Decimal(i) * Decimal("13.7"), i * 12, note="estimación")
        for i in range(35)
    ]
    svg = bar_chart(bars, title="35", description="d")
    assert len(svg.encode()) < 15_000
    assert len(list(group(parse(svg), "bars"))) == 35


def test_line_chart_breaks_at_missing_values_and_dashes_targets(lang):
    svg = line_chart(
        ["T1", "T2", "T3", "T4"],
        [Series("Real", [1, 2, None, 4]), Series("Meta", [None, None, 3, 5], "target")],
        title="t",
    )
    root = parse(svg)
    actual, target = (
        g
        for g in root.iter(f"{SVG}g")
        if classes(g) & {"actual", "target"} and "series" in classes(g)
    )
    actual_path = actual.find(f"{SVG}path").get("d")
    assert actual_path.count("M") == 2  # two runs: T1–T2, then T4
    assert actual.find(f"{SVG}path").get("stroke-dasharray") is None
    assert target.find(f"{SVG}path").get("stroke-dasharray")
    assert len([el for el in actual if el.find(f"{SVG}title") is not None]) == 3
    missing = [el for el in root.iter(f"{SVG}rect") if "nodata" in classes(el)]
    assert [m.find(f"{SVG}title").text for m in missing] == [f"T3: {NO_DATA[lang]} — Real"]
    assert {"Real", "Meta"} <= set(texts(group(root, "legend")))


def test_many_periods_are_thinned_on_the_axis_but_all_plotted():
    periods = [f"2020-{m:02d}" for m in range(1, 13)] * 4
    root = parse(line_chart(periods, [Series("s", list(range(48)))], title="t"))
    shown = texts(group(root, "periods"))
    assert shown[0] == "2020-01" and 4 <= len(shown) < 48
    assert len([el for el in group(root, "actual") if el.find(f"{SVG}title") is not None]) == 48


def test_stacked_bars_split_each_row_by_category_with_a_legend(lang):
    root = parse(
        stacked_bar_chart(
            ["2023", "2024"],
            ["Mujeres", "Hombres", "No binario", "No declarado"],
            [[60, 40, 0, None], [None, None, None, None]],
            title="t",
        )
    )
    tips = [r.find(f"{SVG}title").text for r in group(root, "parts")]
    pct = "\u00a0%" if lang == "es" else "%"
    assert tips == [f"2023 — Mujeres: 60 (60{pct})", f"2023 — Hombres: 40 (40{pct})"]
    assert {"Mujeres", "Hombres", "No binario", "No declarado"} <= set(texts(group(root, "legend")))
    fills = [r.get("fill") for r in group(root, "parts")]
    assert len(set(fills)) == 2
    missing = [
        el.find(f"{SVG}title").text for el in root.iter(f"{SVG}rect") if "nodata" in classes(el)
    ]
    assert missing == [
        f"2023: {NO_DATA[lang]} — No declarado",
        f"2024: {NO_DATA[lang]} — Mujeres, Hombres, No binario, No declarado",
    ]


def tiles_of(root: ET.Element) -> dict[str, ET.Element]:
    return {g.get("data-code", ""): g for g in root.iter(f"{SVG}g") if "tile" in classes(g)}


def test_tile_map_has_one_tile_per_member_country_coloured_as_its_legend_says(lang):
    values = {"CAN": 10, "USA": 20, "MEX": 30, "GTM": 40, "BLZ": 50, "HND": 60, "SLV": 70}
    values |= {"NIC": 80, "CRI": 90, "PAN": None, "ZZZ": 5}  # DOM not given, ZZZ not a member
    root = parse(tile_map(values, title="t", names={"MEX": "México"}, percent=True))
    tiles = tiles_of(root)
    assert set(tiles) == set(TILE_LAYOUT) == {
        "CAN", "USA", "MEX", "BLZ", "GTM", "HND", "SLV", "NIC", "CRI", "PAN", "DOM",
    }  # fmt: skip
    keys = {c for g in root.iter(f"{SVG}g") if "key" in classes(g) for c in classes(g) - {"key"}}
    shades = {code: (classes(g) - {"tile"}).pop() for code, g in tiles.items()}
    assert set(shades.values()) == keys
    assert shades["PAN"] == shades["DOM"] == "nodata"
    order = ["CAN", "USA", "MEX", "GTM", "BLZ", "HND", "SLV", "NIC", "CRI"]  # rising values
    ranked = [int(shades[c][1:]) for c in order]
    assert ranked == sorted(ranked) and ranked[0] == 0 and ranked[-1] == len(RAMP) - 1
    mexico = tiles["MEX"]
    assert mexico.find(f"{SVG}title").text == (
        "México: 30\u00a0%" if lang == "es" else "México: 30%"
    )
    assert [t.text for t in mexico.iter(f"{SVG}text")] == [
        "MEX",
        "30\u00a0%" if lang == "es" else "30%",
    ]
    assert tiles["CAN"].find(f"{SVG}title").text.startswith("CAN: ")  # no name given: the code
    assert tiles["PAN"].find(f"{SVG}title").text == f"PAN: {NO_DATA[lang]}"
    # The legend writes each class's range as the language writes numbers.
    assert ("10\u00a0% – 20\u00a0%" if lang == "es" else "10% – 20%") in texts(root)


def test_a_country_added_to_the_layout_gets_its_tile(monkeypatch):
    monkeypatch.setitem(TILE_LAYOUT, "CUB", (3, 2))
    root = parse(tile_map({"CUB": 4}, title="t"))
    assert tiles_of(root)["CUB"].find(f"{SVG}title").text == "CUB: 4"


def test_chart_template_gives_the_chart_its_caption_and_data_table(lang):
    table = Table(
        caption="Actividades por país",
        columns=["País", "Valor"],
        rows=[[HOSTILE, Decimal("1234.5")], ["Belice", None]],
        numeric={1},
    )
    chart = bar_chart([Bar(r[0], r[1]) for r in table.rows], title=table.caption)
    html = render_to_string(
        "core/_chart.html",
        {"chart": chart, "table": table, "csv_url": "/d.csv", "xlsx_url": "/d.xlsx"},
    )
    assert html.count("<svg") == 1 and 'role="img"' in html
    assert "<figcaption>Actividades por país</figcaption>" in html
    summary = "Tabla de datos" if lang == "es" else "Data table"
    assert re.search(rf"<details class=\"chart-data\">\s*<summary>{summary}</summary>", html)
    assert "<caption>Actividades por país</caption>" in html
    number = "1.234,5" if lang == "es" else "1,234.5"
    assert f'<td class="num">{number}</td>' in html
    assert f'<span class="sr">{NO_DATA[lang]}</span>' in html
    assert '<a href="/d.csv" download>' in html and '<a href="/d.xlsx" download>' in html
    assert "<script>" not in html and " style=" not in html


def test_no_data_stays_inside_the_chart_when_every_value_is_negative(lang):
    root = parse(bar_chart([Bar("A", -5), Bar("B", None)], title="t"))
    width = float(root.get("viewBox").split()[2])
    box = next(el for el in root.iter(f"{SVG}rect") if "nodata" in classes(el))
    assert float(box.get("x")) >= 0 and float(box.get("x")) + float(box.get("width")) <= width
    label = next(t for t in group(root, "values") if t.text == NO_DATA[lang])
    assert label.get("text-anchor") == "end" and float(label.get("x")) < float(box.get("x"))


def test_float_noise_does_not_add_decimals(lang):
    root = parse(bar_chart([Bar("A", 3 * 13.7), Bar("B", 2.0)], title="t"))
    expected = ["41,1", "2,0"] if lang == "es" else ["41.1", "2.0"]
    assert texts(group(root, "values")) == expected
