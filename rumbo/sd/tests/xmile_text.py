"""Small XMILE documents written inline, for the engine's tests:

    document([stock("S", "100", outflows=["out"]), flow("out", "S * 0.1")], stop=5)

is the XML text of a model with those variables and those sim specs; :func:`model` compiles
it. Names are written as given and equations escaped. Other constructs (modules, element
definitions, a named graphical function) are XML snippets passed in the same list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from rumbo import sd

NAMESPACE = "http://docs.oasis-open.org/xmile/ns/XMILE/v1.0"


def _dims(dims: Sequence[str]) -> str:
    if not dims:
        return ""
    return "<dimensions>" + "".join(f"<dim name={quoteattr(d)}/>" for d in dims) + "</dimensions>"


def _common(units: str, doc: str, dims: Sequence[str], extra: str) -> str:
    parts = [_dims(dims)]
    if units:
        parts.append(f"<units>{escape(units)}</units>")
    if doc:
        parts.append(f"<doc>{escape(doc)}</doc>")
    parts.append(extra)
    return "".join(parts)


def _eqn(eqn: str | None) -> str:
    return "" if eqn is None else f"<eqn>{escape(eqn)}</eqn>"


def aux(
    name: str,
    eqn: str | None,
    *,
    units: str = "",
    doc: str = "",
    dims: Sequence[str] = (),
    extra: str = "",
    access: str = "",
) -> str:
    """An auxiliary; `extra` is inner XML such as a <gf> or <element>s."""
    attrs = f"name={quoteattr(name)}" + (f" access={quoteattr(access)}" if access else "")
    return f"<aux {attrs}>{_eqn(eqn)}{_common(units, doc, dims, extra)}</aux>"


def flow(
    name: str,
    eqn: str | None,
    *,
    units: str = "",
    doc: str = "",
    dims: Sequence[str] = (),
    extra: str = "",
    non_negative: bool = False,
    access: str = "",
) -> str:
    attrs = f"name={quoteattr(name)}" + (f" access={quoteattr(access)}" if access else "")
    body = _common(units, doc, dims, extra) + ("<non_negative/>" if non_negative else "")
    return f"<flow {attrs}>{_eqn(eqn)}{body}</flow>"


def stock(
    name: str,
    eqn: str | None,
    *,
    inflows: Sequence[str] = (),
    outflows: Sequence[str] = (),
    units: str = "",
    doc: str = "",
    dims: Sequence[str] = (),
    extra: str = "",
    non_negative: bool = False,
    access: str = "",
) -> str:
    attrs = f"name={quoteattr(name)}" + (f" access={quoteattr(access)}" if access else "")
    flows = "".join(f"<inflow>{escape(f)}</inflow>" for f in inflows)
    flows += "".join(f"<outflow>{escape(f)}</outflow>" for f in outflows)
    body = _common(units, doc, dims, extra) + ("<non_negative/>" if non_negative else "")
    return f"<stock {attrs}>{_eqn(eqn)}{flows}{body}</stock>"


def gf(
    ys: Sequence[float],
    *,
    xs: Sequence[float] | None = None,
    xscale: tuple[float, float] | None = None,
    kind: str = "",
    name: str = "",
) -> str:
    """A graphical function: points as <xpts>, or an <xscale> spread evenly."""
    attrs = (f" name={quoteattr(name)}" if name else "") + (
        f" type={quoteattr(kind)}" if kind else ""
    )
    inner = ""
    if xscale is not None:
        inner += f'<xscale min="{xscale[0]!r}" max="{xscale[1]!r}"/>'
    if xs is not None:
        inner += "<xpts>" + ",".join(repr(float(x)) for x in xs) + "</xpts>"
    inner += "<ypts>" + ",".join(repr(float(y)) for y in ys) + "</ypts>"
    return f"<gf{attrs}>{inner}</gf>"


def document(
    variables: Sequence[str],
    *,
    start: float = 0.0,
    stop: float = 10.0,
    dt: float = 1.0,
    reciprocal: bool = False,
    method: str | None = None,
    save_interval: float | None = None,
    dimensions: Mapping[str, Sequence[str]] | None = None,
    models: Mapping[str, Sequence[str]] | None = None,
    macros: Sequence[str] = (),
    behavior: str = "",
) -> str:
    """An XMILE document: sim specs, dimensions, the main model's variables, then any named
    models (for modules) and macros (XML snippets). With `reciprocal`, `dt` is written as
    steps per time unit (``<dt reciprocal="true">``)."""
    attrs = ""
    if method is not None:
        attrs += f" method={quoteattr(method)}"
    if save_interval is not None:
        attrs += (
            f' xmlns:isee="http://iseesystems.com/XMILE" isee:save_interval="{save_interval!r}"'
        )
    dt_xml = f'<dt reciprocal="true">{dt!r}</dt>' if reciprocal else f"<dt>{dt!r}</dt>"
    specs = f"<sim_specs{attrs}><start>{start!r}</start><stop>{stop!r}</stop>{dt_xml}</sim_specs>"
    dims = ""
    if dimensions:
        dims = "<dimensions>"
        for dim, elements in dimensions.items():
            dims += f"<dim name={quoteattr(dim)}>"
            dims += "".join(f"<elem name={quoteattr(e)}/>" for e in elements)
            dims += "</dim>"
        dims += "</dimensions>"
    body = f"<model><variables>{''.join(variables)}</variables></model>"
    for name, inner in (models or {}).items():
        body += f"<model name={quoteattr(name)}><variables>{''.join(inner)}</variables></model>"
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<xmile version="1.0" xmlns="{NAMESPACE}">'
        "<header><name>test</name></header>"
        f"{specs}{dims}{behavior}{body}{''.join(macros)}</xmile>"
    )


def model(variables: Sequence[str], **options: Any) -> sd.Model:
    """The compiled model of :func:`document` (same arguments)."""
    return sd.loads(document(variables, **options))
