"""Generate a large arrayed XMILE model: regional labour markets by sector.

The model has a ``Region`` and a ``Sector`` dimension. At the default size (20 regions,
10 sectors) it holds 830 explicit stocks (four 2-D stocks of 200 elements, a 1-D stock
over sectors and one over regions) plus 600 delay stocks inside the arrayed ``SMTH1`` and
``DELAY1`` calls, over 200 Euler steps.

Everything is deterministic: the per-region and per-sector constants come from integer
formulas of the element's index, written with at most four decimals so every reader
parses the same doubles. The scalar constants (``Demand Growth Rate``, ``Hiring
Delay``...) are the parameters an ensemble varies.

Sums over a dimension are written, by default, as explicit additions of the elements
(``x[R01, Sector] + x[R02, Sector] + ...``), the form that both PySD 3.14 and pysimlin
0.8.5 run: PySD's XMILE reader only parses the Vensim form ``SUM(x[Region!, Sector])``,
which pysimlin rejects, while pysimlin runs the XMILE form ``SUM(x[*, Sector])``, which
PySD cannot parse. ``sum_style="xmile"`` writes the XMILE ``SUM`` instead, for engines
that read it.

Usage: ``python -m benchmarks.sd_models.generate_large OUT.xmile [--regions N]
[--sectors M] [--years Y] [--dt DT] [--sum-style explicit|xmile]``.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Literal
from xml.sax.saxutils import escape, quoteattr

SumStyle = Literal["explicit", "xmile"]

_REGION = "Region"
_SECTOR = "Sector"


def _num(value: float) -> str:
    """A short decimal: four decimals at most, no trailing zeros."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _ident(name: str) -> str:
    """How an equation refers to a variable: spaces become underscores."""
    return name.replace(" ", "_")


class _Writer:
    def __init__(self, regions: list[str], sectors: list[str], sum_style: SumStyle) -> None:
        self.regions = regions
        self.sectors = sectors
        self.sum_style = sum_style
        self.lines: list[str] = []

    # -- equations -------------------------------------------------------------------

    def sum_over(self, var: str, dims: tuple[str, ...], over: str) -> str:
        """Sum of ``var`` (arrayed over ``dims``) over the dimension ``over``.

        The other dimensions stay as they are (apply-to-all over them).
        """
        ident = _ident(var)
        if self.sum_style == "xmile":
            subs = ", ".join("*" if d == over else d for d in dims)
            return f"SUM({ident}[{subs}])"
        elements = self.regions if over == _REGION else self.sectors
        terms = []
        for element in elements:
            subs = ", ".join(element if d == over else d for d in dims)
            terms.append(f"{ident}[{subs}]")
        return " + ".join(terms)

    # -- XML -------------------------------------------------------------------------

    def _open(self, tag: str, name: str, dims: tuple[str, ...], doc: str, units: str) -> None:
        self.lines.append(f"\t\t\t<{tag} name={quoteattr(name)}>")
        self.lines.append(f"\t\t\t\t<doc>{escape(doc)}</doc>")
        if dims:
            inner = "".join(f'<dim name="{d}"/>' for d in dims)
            self.lines.append(f"\t\t\t\t<dimensions>{inner}</dimensions>")
        self._units = units

    def _close(self, tag: str) -> None:
        self.lines.append(f"\t\t\t\t<units>{escape(self._units)}</units>")
        self.lines.append(f"\t\t\t</{tag}>")

    def aux(
        self,
        name: str,
        eqn: str,
        *,
        dims: tuple[str, ...] = (),
        doc: str,
        units: str,
        gf: tuple[float, float, list[float]] | None = None,
    ) -> None:
        self._open("aux", name, dims, doc, units)
        self.lines.append(f"\t\t\t\t<eqn>{escape(eqn)}</eqn>")
        if gf is not None:
            xmin, xmax, ypts = gf
            self.lines.append("\t\t\t\t<gf>")
            self.lines.append(f'\t\t\t\t\t<xscale min="{_num(xmin)}" max="{_num(xmax)}"/>')
            self.lines.append(
                f'\t\t\t\t\t<yscale min="{_num(min(ypts))}" max="{_num(max(ypts))}"/>'
            )
            self.lines.append(f"\t\t\t\t\t<ypts>{','.join(_num(y) for y in ypts)}</ypts>")
            self.lines.append("\t\t\t\t</gf>")
        self._close("aux")

    def elements(self, name: str, dim: str, values: list[float], *, doc: str, units: str) -> None:
        """A 1-D constant given element by element."""
        elements = self.regions if dim == _REGION else self.sectors
        self._open("aux", name, (dim,), doc, units)
        for element, value in zip(elements, values, strict=True):
            self.lines.append(
                f'\t\t\t\t<element subscript="{element}"><eqn>{_num(value)}</eqn></element>'
            )
        self._close("aux")

    def elements_2d(self, name: str, values: list[list[float]], *, doc: str, units: str) -> None:
        """A Region x Sector constant given element by element.

        The subscript is written ``"R01,S01"``, without a space: PySD 3.14 keeps the space
        of ``"R01, S01"`` as part of the element name and fails.
        """
        self._open("aux", name, (_REGION, _SECTOR), doc, units)
        for region, row in zip(self.regions, values, strict=True):
            for sector, value in zip(self.sectors, row, strict=True):
                self.lines.append(
                    f'\t\t\t\t<element subscript="{region},{sector}">'
                    f"<eqn>{_num(value)}</eqn></element>"
                )
        self._close("aux")

    def stock(
        self,
        name: str,
        eqn: str,
        *,
        dims: tuple[str, ...] = (),
        inflows: tuple[str, ...] = (),
        outflows: tuple[str, ...] = (),
        doc: str,
        units: str,
    ) -> None:
        self._open("stock", name, dims, doc, units)
        self.lines.append(f"\t\t\t\t<eqn>{escape(eqn)}</eqn>")
        self.lines.extend(f"\t\t\t\t<inflow>{_ident(f)}</inflow>" for f in inflows)
        self.lines.extend(f"\t\t\t\t<outflow>{_ident(f)}</outflow>" for f in outflows)
        self._close("stock")

    def flow(
        self, name: str, eqn: str, *, dims: tuple[str, ...] = (), doc: str, units: str
    ) -> None:
        self._open("flow", name, dims, doc, units)
        self.lines.append(f"\t\t\t\t<eqn>{escape(eqn)}</eqn>")
        self._close("flow")


def _region_population(i: int) -> float:
    """Deterministic region sizes between 150,000 and 1,200,000 people."""
    return 150_000.0 + 75_000.0 * ((i * 7 + 3) % 15)


def _sector_weight(j: int) -> float:
    return 1.0 + ((j * 5 + 2) % 7)


def generate(
    n_regions: int = 20,
    n_sectors: int = 10,
    *,
    years: float = 50.0,
    dt: float = 0.25,
    sum_style: SumStyle = "explicit",
) -> str:
    """Return the XMILE document of the generated model.

    ``n_regions`` x ``n_sectors`` is the size of the 2-D arrays; the simulation runs from
    0 to ``years`` with Euler steps of ``dt`` (``years / dt`` steps: 200 by default).
    """
    if n_regions < 1 or n_sectors < 1:
        raise ValueError("n_regions and n_sectors must be at least 1")
    if sum_style not in ("explicit", "xmile"):
        raise ValueError(f"unknown sum_style {sum_style!r}")
    regions = [f"R{i + 1:02d}" for i in range(n_regions)]
    sectors = [f"S{j + 1:02d}" for j in range(n_sectors)]
    w = _Writer(regions, sectors, sum_style)
    r, s = (_REGION,), (_SECTOR,)
    rs = (_REGION, _SECTOR)

    # -- scalar parameters (what an ensemble varies) -------------------------------------
    scalars: list[tuple[str, float, str, str]] = [
        ("Demand Growth Rate", 0.02, "1/year", "Base yearly growth of the demand for output."),
        ("Productivity Growth Rate", 0.01, "1/year", "Base yearly growth of labour productivity."),
        ("Cycle Amplitude", 0.3, "dmnl", "Relative amplitude of the business cycle on growth."),
        ("Cycle Period", 7, "year", "Period of the business cycle."),
        ("Demand Smoothing Time", 1.5, "year", "Time employers take to perceive demand."),
        ("Hiring Adjustment Time", 2, "year", "Time to close the gap of required labour."),
        ("Hiring Delay", 0.5, "year", "Average time from a hiring decision to the start."),
        (
            "Foreign Recruitment Delay",
            1.5,
            "year",
            "Average time from a foreign recruitment decision to the arrival.",
        ),
        ("Foreign Recruitment Share", 0.6, "dmnl", "Share of the unfilled need sought abroad."),
        ("Separation Rate", 0.08, "1/year", "Fraction of domestic workers leaving per year."),
        ("Average Foreign Stay", 5, "year", "Average time a foreign worker stays employed."),
        ("Participation Rate", 0.6, "dmnl", "Share of the population in the labour force."),
        ("Population Growth Rate", 0.005, "1/year", "Natural yearly growth of population."),
        (
            "Migration Sensitivity",
            0.3,
            "1/year",
            "Internal migration per year per point of unemployment rate difference.",
        ),
        ("Capital Output Ratio", 2.5, "year", "Capital needed per unit of yearly output."),
        ("Depreciation Rate", 0.06, "1/year", "Fraction of capital worn out per year."),
        ("Investment Adjustment Time", 3, "year", "Time to close the gap of desired capital."),
        ("Initial Demand Factor", 0.97, "dmnl", "Initial required labour over labour force."),
        ("Initial Domestic Share", 0.92, "dmnl", "Initial share of domestic workers."),
    ]
    for name, value, units, doc in scalars:
        w.aux(name, _num(value), doc=f"{doc} (parameter)", units=units)

    # -- arrayed constants ------------------------------------------------------------
    w.elements(
        "Initial Population",
        _REGION,
        [_region_population(i) for i in range(n_regions)],
        doc="Population of each region at the start.",
        units="people",
    )
    w.elements(
        "Cycle Phase",
        _REGION,
        [round(2 * math.pi * i / n_regions, 4) for i in range(n_regions)],
        doc="Phase of the business cycle in each region.",
        units="dmnl",
    )
    w.elements(
        "Sector Weight",
        _SECTOR,
        [_sector_weight(j) for j in range(n_sectors)],
        doc="Relative size of each sector in employment.",
        units="dmnl",
    )
    w.elements(
        "Sector Growth Offset",
        _SECTOR,
        [0.005 * (((j * 3) % 7) - 3) for j in range(n_sectors)],
        doc="Sector-specific addition to the demand growth rate.",
        units="1/year",
    )
    w.elements(
        "Initial Productivity",
        _SECTOR,
        [0.02 + 0.005 * ((j * 4) % 9) for j in range(n_sectors)],
        doc="Output per worker per year in each sector at the start.",
        units="output/year/people",
    )
    w.elements_2d(
        "Regional Specialisation",
        [[0.8 + 0.05 * ((i + 2 * j) % 9) for j in range(n_sectors)] for i in range(n_regions)],
        doc="Relative weight of each sector in each region (1 = national average).",
        units="dmnl",
    )
    w.aux(
        "Total Sector Weight",
        w.sum_over("Sector Weight", s, _SECTOR),
        doc="Sum of the sector weights.",
        units="dmnl",
    )
    w.aux(
        "Sector Share",
        "Sector_Weight[Sector] / Total_Sector_Weight",
        dims=s,
        doc="Share of each sector in employment.",
        units="dmnl",
    )
    w.aux(
        "Weighted Specialisation",
        "Sector_Share[Sector] * Regional_Specialisation[Region, Sector]",
        dims=rs,
        doc="Sector share weighted by the regional specialisation.",
        units="dmnl",
    )
    w.aux(
        "Specialisation Norm",
        w.sum_over("Weighted Specialisation", rs, _SECTOR),
        dims=r,
        doc="Sum over sectors of the weighted specialisation, to normalise it.",
        units="dmnl",
    )
    w.aux(
        "Initial Required Labour",
        "Initial_Demand_Factor * Participation_Rate * Initial_Population[Region]"
        " * Weighted_Specialisation[Region, Sector] / Specialisation_Norm[Region]",
        dims=rs,
        doc="Labour required in each region and sector at the start.",
        units="people",
    )

    # -- demand ------------------------------------------------------------------------
    w.stock(
        "Demand",
        "Initial_Required_Labour[Region, Sector] * Initial_Productivity[Sector]",
        dims=rs,
        inflows=("Demand Change",),
        doc="Yearly demand for the output of each sector in each region.",
        units="output/year",
    )
    w.aux(
        "Business Cycle",
        "1 + Cycle_Amplitude * SIN(6.283185307179586 * TIME / Cycle_Period + Cycle_Phase[Region])",
        dims=r,
        doc="Multiplier of the growth rate over the business cycle.",
        units="dmnl",
    )
    w.flow(
        "Demand Change",
        "Demand[Region, Sector] * (Demand_Growth_Rate + Sector_Growth_Offset[Sector])"
        " * Business_Cycle[Region]",
        dims=rs,
        doc="Yearly change of the demand.",
        units="output/year/year",
    )
    w.aux(
        "Perceived Demand",
        "SMTH1(Demand[Region, Sector], Demand_Smoothing_Time)",
        dims=rs,
        doc="Demand as perceived by employers (first-order smoothing).",
        units="output/year",
    )

    # -- productivity ------------------------------------------------------------------
    w.stock(
        "Productivity",
        "Initial_Productivity[Sector]",
        dims=s,
        inflows=("Productivity Change",),
        doc="Output per worker per year in each sector.",
        units="output/year/people",
    )
    w.flow(
        "Productivity Change",
        "Productivity[Sector] * Productivity_Growth_Rate",
        dims=s,
        doc="Yearly growth of productivity.",
        units="output/year/people/year",
    )
    w.aux(
        "Required Labour",
        "Perceived_Demand[Region, Sector] / Productivity[Sector]",
        dims=rs,
        doc="Workers needed to meet the perceived demand.",
        units="people",
    )

    # -- population and labour force ------------------------------------------------
    w.stock(
        "Population",
        "Initial_Population[Region]",
        dims=r,
        inflows=("Population Change",),
        doc="People living in each region.",
        units="people",
    )
    w.flow(
        "Population Change",
        "Population[Region] * (Population_Growth_Rate + Migration_Sensitivity"
        " * (National_Unemployment_Rate - Unemployment_Rate[Region]))",
        dims=r,
        doc="Natural growth plus net internal migration towards regions with low unemployment.",
        units="people/year",
    )
    w.aux(
        "Labour Force",
        "Population[Region] * Participation_Rate",
        dims=r,
        doc="People working or looking for work in each region.",
        units="people",
    )
    w.aux(
        "Regional Domestic Employment",
        w.sum_over("Domestic Workers", rs, _SECTOR),
        dims=r,
        doc="Domestic workers employed in all sectors of the region.",
        units="people",
    )
    w.aux(
        "Unemployed",
        "MAX(0, Labour_Force[Region] - Regional_Domestic_Employment[Region])",
        dims=r,
        doc="Labour force not employed.",
        units="people",
    )
    w.aux(
        "Unemployment Rate",
        "Unemployed[Region] / Labour_Force[Region]",
        dims=r,
        doc="Share of the labour force not employed.",
        units="dmnl",
    )
    w.aux(
        "National Unemployed",
        w.sum_over("Unemployed", r, _REGION),
        doc="Unemployed people in all regions.",
        units="people",
    )
    w.aux(
        "National Labour Force",
        w.sum_over("Labour Force", r, _REGION),
        doc="Labour force of all regions.",
        units="people",
    )
    w.aux(
        "National Unemployment Rate",
        "National_Unemployed / National_Labour_Force",
        doc="Share of the national labour force not employed.",
        units="dmnl",
    )
    w.aux(
        "Domestic Fill Fraction",
        "Unemployment_Rate[Region]",
        dims=r,
        doc="Share of the hiring need the region's labour force can fill, as a function"
        " of its unemployment rate.",
        units="dmnl",
        gf=(0.0, 0.2, [0.0, 0.45, 0.75, 0.9, 1.0]),
    )

    # -- employment --------------------------------------------------------------------
    w.stock(
        "Domestic Workers",
        "Initial_Required_Labour[Region, Sector] * Initial_Domestic_Share",
        dims=rs,
        inflows=("Domestic Hiring",),
        outflows=("Separations",),
        doc="Domestic workers employed in each region and sector.",
        units="people",
    )
    w.stock(
        "Foreign Workers",
        "Initial_Required_Labour[Region, Sector] * (1 - Initial_Domestic_Share)",
        dims=rs,
        inflows=("Foreign Hiring",),
        outflows=("Foreign Departures",),
        doc="Foreign workers employed in each region and sector.",
        units="people",
    )
    w.flow(
        "Separations",
        "Domestic_Workers[Region, Sector] * Separation_Rate",
        dims=rs,
        doc="Domestic workers leaving their job.",
        units="people/year",
    )
    w.flow(
        "Foreign Departures",
        "Foreign_Workers[Region, Sector] / Average_Foreign_Stay",
        dims=rs,
        doc="Foreign workers leaving their job.",
        units="people/year",
    )
    w.aux(
        "Desired Hiring",
        "MAX(0, Separations[Region, Sector] + Foreign_Departures[Region, Sector]"
        " + (Required_Labour[Region, Sector] - Domestic_Workers[Region, Sector]"
        " - Foreign_Workers[Region, Sector]) / Hiring_Adjustment_Time)",
        dims=rs,
        doc="Hires wanted: replacement of leavers plus the adjustment to required labour.",
        units="people/year",
    )
    w.flow(
        "Domestic Hiring",
        "DELAY1(Desired_Hiring[Region, Sector] * Domestic_Fill_Fraction[Region], Hiring_Delay)",
        dims=rs,
        doc="Domestic workers starting work, after the hiring delay.",
        units="people/year",
    )
    w.flow(
        "Foreign Hiring",
        "DELAY1(Desired_Hiring[Region, Sector] * (1 - Domestic_Fill_Fraction[Region])"
        " * Foreign_Recruitment_Share, Foreign_Recruitment_Delay)",
        dims=rs,
        doc="Foreign workers starting work, after the recruitment delay.",
        units="people/year",
    )

    # -- capital and output ------------------------------------------------------------
    w.stock(
        "Capital",
        "Initial_Required_Labour[Region, Sector] * Initial_Productivity[Sector]"
        " * Capital_Output_Ratio",
        dims=rs,
        inflows=("Investment",),
        outflows=("Depreciation",),
        doc="Productive capital of each region and sector.",
        units="output",
    )
    w.flow(
        "Depreciation",
        "Capital[Region, Sector] * Depreciation_Rate",
        dims=rs,
        doc="Capital worn out per year.",
        units="output/year",
    )
    w.flow(
        "Investment",
        "MAX(0, Depreciation[Region, Sector] + (Perceived_Demand[Region, Sector]"
        " * Capital_Output_Ratio - Capital[Region, Sector]) / Investment_Adjustment_Time)",
        dims=rs,
        doc="Replacement of depreciation plus the adjustment to the desired capital.",
        units="output/year",
    )
    w.aux(
        "Output",
        "MIN(Demand[Region, Sector], MIN(Productivity[Sector] * (Domestic_Workers[Region, Sector]"
        " + Foreign_Workers[Region, Sector]), Capital[Region, Sector] / Capital_Output_Ratio))",
        dims=rs,
        doc="Output: demand, limited by labour and by capital.",
        units="output/year",
    )
    w.aux(
        "Labour Shortage",
        "MAX(0, Required_Labour[Region, Sector] - Domestic_Workers[Region, Sector]"
        " - Foreign_Workers[Region, Sector])",
        dims=rs,
        doc="Required labour not employed.",
        units="people",
    )

    # -- aggregates ----------------------------------------------------------------------
    w.aux(
        "Regional Output",
        w.sum_over("Output", rs, _SECTOR),
        dims=r,
        doc="Output of all sectors of each region.",
        units="output/year",
    )
    w.aux(
        "National Output",
        w.sum_over("Regional Output", r, _REGION),
        doc="Output of all regions.",
        units="output/year",
    )
    w.aux(
        "Foreign Workers by Sector",
        w.sum_over("Foreign Workers", rs, _REGION),
        dims=s,
        doc="Foreign workers in each sector, all regions.",
        units="people",
    )
    w.aux(
        "Total Foreign Workers",
        w.sum_over("Foreign Workers by Sector", s, _SECTOR),
        doc="Foreign workers in all sectors and regions.",
        units="people",
    )
    w.aux(
        "Labour Shortage by Sector",
        w.sum_over("Labour Shortage", rs, _REGION),
        dims=s,
        doc="Labour shortage in each sector, all regions.",
        units="people",
    )
    w.aux(
        "Foreign Labour Gap by Sector",
        "Foreign_Workers_by_Sector[Sector] + Labour_Shortage_by_Sector[Sector]",
        dims=s,
        doc="Potential demand for foreign labour in each sector: foreign workers employed"
        " plus the labour shortage.",
        units="people",
    )

    stop = _num(years)
    header = f"""<?xml version="1.0" encoding="utf-8"?>
<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
\t<header>
\t\t<name>Regional labour markets ({n_regions} regions x {n_sectors} sectors)</name>
\t\t<vendor>Rumbo</vendor>
\t\t<product version="1.0" lang="en">Rumbo SD benchmark models</product>
\t</header>
\t<sim_specs method="Euler" time_units="year">
\t\t<start>0</start>
\t\t<stop>{stop}</stop>
\t\t<dt>{_num(dt)}</dt>
\t</sim_specs>
\t<dimensions>
"""
    dims_xml = ""
    for dim, elements in ((_REGION, regions), (_SECTOR, sectors)):
        inner = "".join(f'<elem name="{e}"/>' for e in elements)
        dims_xml += f'\t\t<dim name="{dim}">{inner}</dim>\n'
    body = "\n".join(w.lines)
    return (
        header
        + dims_xml
        + "\t</dimensions>\n\t<model>\n\t\t<variables>\n"
        + body
        + "\n\t\t</variables>\n\t</model>\n</xmile>\n"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the generated large XMILE model.")
    parser.add_argument("output", type=Path, help="file to write (e.g. large.xmile)")
    parser.add_argument("--regions", type=int, default=20)
    parser.add_argument("--sectors", type=int, default=10)
    parser.add_argument("--years", type=float, default=50.0)
    parser.add_argument("--dt", type=float, default=0.25)
    parser.add_argument("--sum-style", choices=("explicit", "xmile"), default="explicit")
    args = parser.parse_args(argv)
    text = generate(
        args.regions, args.sectors, years=args.years, dt=args.dt, sum_style=args.sum_style
    )
    args.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
