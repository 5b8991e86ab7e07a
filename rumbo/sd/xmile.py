"""Read XMILE 1.0 (as Stella writes it, .stmx/.xmile, and as Vensim exports it) into plain data.

Nothing here evaluates anything: the compiler turns this description into code.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree as ET

from .errors import ModelError
from .expr import canonical


@dataclass(frozen=True)
class GraphicalFunction:
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    kind: str = "continuous"  # continuous | extrapolate | discrete


@dataclass(frozen=True)
class Element:
    subscript: tuple[str, ...]  # canonical element names
    eqn: str
    gf: GraphicalFunction | None = None


@dataclass
class Variable:
    name: str  # as written (display)
    kind: str  # stock | flow | aux | module
    eqn: str = ""
    eqns: tuple[str, ...] = ()  # one per element, in order (some converters write these)
    dims: tuple[str, ...] = ()
    elements: list[Element] = field(default_factory=list)
    gf: GraphicalFunction | None = None
    inflows: tuple[str, ...] = ()
    outflows: tuple[str, ...] = ()
    non_negative: bool = False
    units: str = ""
    doc: str = ""
    access: str = ""  # input | output, for a module's model
    connections: tuple[tuple[str, str], ...] = ()  # a module's (to, from)
    model: str = ""  # a module's model name

    @property
    def ident(self) -> str:
        return canonical(self.name)


@dataclass
class Dimension:
    name: str
    elements: tuple[str, ...]  # canonical
    labels: tuple[str, ...]  # as written


@dataclass
class SimSpecs:
    start: float = 0.0
    stop: float = 10.0
    dt: float = 1.0
    method: str = "euler"
    save_interval: float | None = None
    time_units: str = ""


@dataclass
class ModelDef:
    name: str
    variables: dict[str, Variable] = field(default_factory=dict)


@dataclass
class Macro:
    name: str  # canonical upper, as a call is written
    params: tuple[str, ...]
    eqn: str
    model: ModelDef


@dataclass
class Project:
    name: str
    vendor: str  # "vensim" for files exported from Vensim (its INT truncates, MODULO keeps sign)
    specs: SimSpecs
    dims: dict[str, Dimension]
    models: dict[str, ModelDef]  # "" is the main model
    macros: dict[str, Macro]

    @property
    def main(self) -> ModelDef:
        return self.models[""]


_STRICT = ET.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_LENIENT = ET.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, recover=True)


def step_count(specs: SimSpecs) -> int:
    """Whole dt steps from start to stop, never past the stop time."""
    return max(math.floor((specs.stop - specs.start) / specs.dt + 1e-9), 0)


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""  # comments and processing instructions
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _children(node: ET._Element, name: str) -> list[ET._Element]:
    return [c for c in node if _local(c.tag) == name]


def _child(node: ET._Element, name: str) -> ET._Element | None:
    found = _children(node, name)
    return found[0] if found else None


def _text(node: ET._Element | None) -> str:
    return (node.text or "") if node is not None else ""


def _number(text: str, what: str) -> float:
    try:
        return float(text.strip())
    except ValueError:
        raise ModelError(f"{what} is not a number: {text.strip()!r}") from None


def _flag(node: ET._Element | None, default: bool) -> bool:
    if node is None:
        return default
    value = (node.text or "").strip().lower()
    return value not in ("false", "0", "no")


def read(path: str | Path) -> Project:
    """Read an XMILE file."""
    try:
        return parse(Path(path).read_bytes())
    except OSError as exc:
        raise ModelError(f"cannot read {path}: {exc.strerror}") from None


def parse(data: bytes | str) -> Project:
    """Read an XMILE document."""
    raw = data.encode() if isinstance(data, str) else data
    try:
        root = ET.fromstring(raw, _STRICT)
    except ET.XMLSyntaxError:
        # Files written by hand or by old converters: undeclared prefixes, unclosed tags.
        root = ET.fromstring(raw, _LENIENT)
        if root is None:
            raise ModelError("not a readable XMILE document") from None
    if _local(root.tag) != "xmile":
        raise ModelError(f"not an XMILE document (root element <{_local(root.tag)}>)")
    header = _child(root, "header")
    name = _text(_child(header, "name")).strip() if header is not None else ""
    made_by = ""
    if header is not None:
        made_by = " ".join(_text(_child(header, t)) for t in ("vendor", "product"))
    vendor = "vensim" if re.search(r"ventana|vensim", made_by, re.I) else ""
    specs = _sim_specs(_child(root, "sim_specs"))
    dims = _dimensions(_child(root, "dimensions"))
    stock_nn, flow_nn = _behavior(_child(root, "behavior"))
    models: dict[str, ModelDef] = {}
    for node in _children(root, "model"):
        model_name = canonical(node.get("name", "")) if node.get("name") else ""
        if model_name == "default" and "" not in models:
            model_name = ""
        models[model_name] = _model(node, model_name, stock_nn, flow_nn)
    if "" not in models:
        if len(models) == 1:
            models[""] = next(iter(models.values()))
        else:
            raise ModelError("the file has no main model (a <model> without a name)")
    macros = {m.name: m for m in (_macro(n) for n in _children(root, "macro"))}
    return Project(name, vendor, specs, dims, models, macros)


def _sim_specs(node: ET._Element | None) -> SimSpecs:
    specs = SimSpecs()
    if node is None:
        return specs
    specs.start = _number(_text(_child(node, "start")) or "0", "start time")
    specs.stop = _number(_text(_child(node, "stop")) or "10", "stop time")
    dt_node = _child(node, "dt")
    if dt_node is not None:
        dt = _number(_text(dt_node), "dt")
        if dt_node.get("reciprocal", "").lower() == "true":
            if dt <= 0:
                raise ModelError(f"dt must be positive, not 1/{dt:g}")
            dt = 1.0 / dt
        specs.dt = dt
    if specs.dt <= 0:
        raise ModelError(f"dt must be positive, not {specs.dt}")
    method = node.get("method", "euler").strip().lower().replace("-", "")
    specs.method = method if method in ("euler", "rk2", "rk4") else "euler"
    for key, value in node.attrib.items():
        if _local(key) == "save_interval" or key.endswith("save_interval"):
            specs.save_interval = _number(value, "save interval")
    specs.time_units = node.get("time_units", "")
    return specs


def _dimensions(node: ET._Element | None) -> dict[str, Dimension]:
    dims: dict[str, Dimension] = {}
    if node is None:
        return dims
    for dim in _children(node, "dim"):
        labels = tuple(e.get("name", "") for e in _children(dim, "elem"))
        if not labels and dim.get("size"):
            size = _number(dim.get("size", "0"), f"the size of dimension {dim.get('name')!r}")
            labels = tuple(str(i) for i in range(1, int(size) + 1))
        name = canonical(dim.get("name", ""))
        dims[name] = Dimension(name, tuple(canonical(x) for x in labels), labels)
    return dims


def _behavior(node: ET._Element | None) -> tuple[bool, bool]:
    if node is None:
        return False, False
    both = _flag(_child(node, "non_negative"), False)
    stock = _child(node, "stock")
    flow = _child(node, "flow")
    stock_nn = _flag(_child(stock, "non_negative"), both) if stock is not None else both
    flow_nn = _flag(_child(flow, "non_negative"), both) if flow is not None else both
    return stock_nn, flow_nn


def _gf(node: ET._Element) -> GraphicalFunction:
    kind = node.get("type", "continuous").lower()
    if node.get("discrete", "").lower() == "true":
        kind = "discrete"
    ypts = _child(node, "ypts")
    if ypts is None:
        raise ModelError("a graphical function without <ypts>")
    ys = _points(ypts)
    xpts = _child(node, "xpts")
    if xpts is not None:
        xs = _points(xpts)
    else:
        xscale = _child(node, "xscale")
        lo, hi = 0.0, len(ys) - 1.0
        if xscale is not None:
            lo = _number(xscale.get("min", "0"), "a graphical function's x minimum")
            hi = _number(xscale.get("max", str(hi)), "a graphical function's x maximum")
        n = len(ys)
        xs = tuple(lo + (hi - lo) * i / (n - 1) for i in range(n)) if n > 1 else (lo,)
    if len(xs) != len(ys):
        raise ModelError(f"a graphical function with {len(xs)} x points and {len(ys)} y points")
    if kind not in ("continuous", "extrapolate", "discrete"):
        kind = "continuous"
    return GraphicalFunction(xs, ys, kind)


def _points(node: ET._Element) -> tuple[float, ...]:
    sep = node.get("sep", ",") or ","
    return tuple(
        _number(p, "a graphical function point") for p in _text(node).split(sep) if p.strip()
    )


def _variable(node: ET._Element, kind: str, stock_nn: bool, flow_nn: bool) -> Variable:
    var = Variable(name=node.get("name", "").replace("\\n", " "), kind=kind)
    var.eqns = tuple(_text(e).strip() for e in _children(node, "eqn"))
    var.eqn = var.eqns[0] if var.eqns else ""
    var.units = _text(_child(node, "units")).strip()
    var.doc = _text(_child(node, "doc")).strip()
    var.access = node.get("access", "")
    dims = _child(node, "dimensions")
    if dims is not None:
        var.dims = tuple(canonical(d.get("name", "")) for d in _children(dims, "dim"))
    gf = _child(node, "gf")
    if gf is not None:
        var.gf = _gf(gf)
    for element in _children(node, "element"):
        subscript = tuple(canonical(s) for s in element.get("subscript", "").split(","))
        element_gf = _child(element, "gf")
        var.elements.append(
            Element(
                subscript,
                _text(_child(element, "eqn")).strip(),
                _gf(element_gf) if element_gf is not None else None,
            )
        )
    if kind == "stock":
        var.inflows = tuple(canonical(_text(f)) for f in _children(node, "inflow"))
        var.outflows = tuple(canonical(_text(f)) for f in _children(node, "outflow"))
        var.non_negative = _flag(_child(node, "non_negative"), stock_nn)
    elif kind == "flow":
        var.non_negative = _flag(_child(node, "non_negative"), flow_nn)
    elif kind == "module":
        var.model = canonical(node.get("model", "") or node.get("name", ""))
        var.connections = tuple(
            (canonical(c.get("to", "")), canonical(c.get("from", "")))
            for c in _children(node, "connect")
        )
    return var


def _model(node: ET._Element, name: str, stock_nn: bool, flow_nn: bool) -> ModelDef:
    model = ModelDef(name)
    variables = _child(node, "variables")
    if variables is None:
        return model
    for child in variables:
        kind = _local(child.tag)
        try:
            if kind == "gf":
                var = Variable(name=child.get("name", ""), kind="aux", gf=_gf(child))
            elif kind in ("stock", "flow", "aux", "module"):
                var = _variable(child, kind, stock_nn, flow_nn)
            else:
                continue
        except ModelError as exc:
            raise exc.located(child.get("name", "").replace("\\n", " "), "") from None
        model.variables[var.ident] = var
    return model


def _macro(node: ET._Element) -> Macro:
    name = " ".join(canonical(node.get("name", "")).split()).upper()
    params = tuple(canonical(_text(p)) for p in _children(node, "parm"))
    body = ModelDef(name.lower())
    variables = _child(node, "variables")
    if variables is not None:
        wrapper = ET.Element("model")
        wrapper.append(variables)
        body = _model(wrapper, name.lower(), False, False)
    return Macro(name, params, _text(_child(node, "eqn")).strip(), body)
