"""Flatten a project into scalar slots: one per array element, module variable and hidden state.

Arrays are expanded element by element (apply-to-all, element-by-element and mixed
definitions); modules and macros are inlined under a prefix; stateful builtins (SMTH, DELAY,
TREND, INIT, PREVIOUS) become hidden stocks or special slots. What comes out is a flat list of
:class:`Slot` whose expressions reference other slots only, ready to be ordered and generated.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from . import expr as E
from .builtins import BUILTINS, TIME_NAMES
from .errors import ModelError
from .xmile import Dimension, GraphicalFunction, Macro, ModelDef, Project, Variable


@dataclass
class Slot:
    key: str  # canonical: "stock a[b,c]", "m.x", "#smth1 3"
    label: str  # for results: "Stock A[B, C]"
    kind: str  # stock | aux | flow | delay | previous | init
    expr: E.Node | None = None  # aux/flow value; a stock's net rate; what DELAY/PREVIOUS/INIT read
    init: E.Node | None = None  # a stock's initial value; DELAY/PREVIOUS initial value
    extra: E.Node | None = None  # DELAY's delay time
    hidden: bool = False
    var: Variable | None = None
    equation: str = ""


@dataclass
class Flat:
    slots: dict[str, Slot] = field(default_factory=dict)
    tables: dict[GraphicalFunction, int] = field(default_factory=dict)  # table -> its number
    random_sites: int = 0
    counter: int = 0

    def hidden(self, kind: str) -> str:
        self.counter += 1
        return f"#{kind} {self.counter}"


@dataclass
class Scope:
    prefix: str
    model: ModelDef
    dims: dict[str, Dimension]
    macros: dict[str, Macro]
    vensim: bool = False
    subst: dict[str, E.Node] = field(default_factory=dict)
    inputs: dict[str, E.Node] = field(default_factory=dict)  # module input ident -> outer node


@dataclass
class Ctx:
    scope: Scope
    binding: dict[str, str]  # dimension -> element
    variable: str
    equation: str

    def error(self, message: str) -> ModelError:
        return ModelError(message, variable=self.variable, equation=self.equation)


def flatten(project: Project) -> Flat:
    flat = Flat()
    scope = Scope("", project.main, project.dims, project.macros, project.vendor == "vensim")
    _model(flat, scope, project)
    return flat


def _model(flat: Flat, scope: Scope, project: Project) -> None:
    for var in scope.model.variables.values():
        for to, source in var.connections:  # a module's output wired to a parent variable
            if source.lstrip(".").startswith(var.ident + "."):
                scope.inputs[to.lstrip(".")] = E.Ref(scope.prefix + source.lstrip("."))
    for var in scope.model.variables.values():
        if var.kind == "module":
            _module(flat, scope, var, project)
            continue
        for subscript in _element_tuples(var, scope.dims, var.name):
            _slot(flat, scope, var, subscript)


def _module(flat: Flat, scope: Scope, var: Variable, project: Project) -> None:
    model = project.models.get(var.model)
    if model is None:
        raise ModelError(f"module of an unknown model {var.model!r}", variable=var.name)
    inner = Scope(scope.prefix + var.ident + ".", model, scope.dims, scope.macros, scope.vensim)
    for to, source in var.connections:
        to = to.split(".")[-1] if "." in to else to
        source = source.lstrip(".")
        if source.startswith(var.ident + "."):
            continue  # an output wired to a parent variable (see _model)
        inner.inputs[to] = _resolve_in_parent(scope, source, var.name)
    _model(flat, inner, project)


def _resolve_in_parent(scope: Scope, name: str, module: str) -> E.Node:
    ctx = Ctx(scope, {}, module, name)
    return _ref(flat=None, ctx=ctx, node=E.Ref(name))


def _element_tuples(var: Variable, dims: dict[str, Dimension], name: str) -> list[tuple[str, ...]]:
    if not var.dims:
        return [()]
    lists = []
    for d in var.dims:
        if d not in dims:
            raise ModelError(f"unknown dimension {d!r}", variable=name)
        lists.append(dims[d].elements)
    return list(itertools.product(*lists))


def _label(var: Variable, subscript: tuple[str, ...], dims: dict[str, Dimension]) -> str:
    if not subscript:
        return var.name
    labels = []
    for d, element in zip(var.dims, subscript, strict=True):
        dim = dims[d]
        labels.append(dim.labels[dim.elements.index(element)])
    return f"{var.name}[{', '.join(labels)}]"


def _key(prefix: str, ident: str, subscript: tuple[str, ...]) -> str:
    return prefix + ident + (f"[{','.join(subscript)}]" if subscript else "")


def _equation(
    var: Variable, subscript: tuple[str, ...], dims: dict[str, Dimension]
) -> tuple[str, GraphicalFunction | None]:
    """The equation and graphical function that define one element of a variable."""
    for element in reversed(var.elements):
        if element.subscript == subscript:
            return element.eqn, element.gf or var.gf
    values = E.parse_list(var.eqn) if subscript else None
    if values is not None:  # one value per element, written as a list
        index = _flat_index(var, subscript, dims)
        if index >= len(values):
            raise ModelError(f"{len(values)} values for more elements", variable=var.name)
        value = values[index]
        assert isinstance(value, E.Num)  # nosec B101 # invariant, narrows the type
        return repr(value.value), var.gf
    if subscript and len(var.eqns) > 1:
        return var.eqns[min(_flat_index(var, subscript, dims), len(var.eqns) - 1)], var.gf
    return var.eqn, var.gf


def _flat_index(var: Variable, subscript: tuple[str, ...], dims: dict[str, Dimension]) -> int:
    index = 0
    for d, element in zip(var.dims, subscript, strict=True):
        elements = dims[d].elements
        index = index * len(elements) + elements.index(element)
    return index


def _slot(flat: Flat, scope: Scope, var: Variable, subscript: tuple[str, ...]) -> None:
    key = _key(scope.prefix, var.ident, subscript)
    label = scope.prefix + _label(var, subscript, scope.dims)
    binding = dict(zip(var.dims, subscript, strict=True))
    eqn, gf = _equation(var, subscript, scope.dims)
    ctx = Ctx(scope, binding, label, eqn)
    if var.ident in scope.inputs:
        node: E.Node = scope.inputs[var.ident]
    else:
        if not eqn.strip() and gf is None:
            raise ctx.error("no equation")
        if eqn.strip() == "???":
            raise ctx.error("the equation is missing from the file ('???')")
        node = _parse(ctx, eqn) if eqn.strip() else E.Ref("time")
        node = resolve(flat, ctx, node)
        if gf is not None:
            node = _lookup(flat, gf, node)
    kind = var.kind
    slot = Slot(key, label, kind, var=var, equation=eqn)
    if kind == "stock":
        slot.init = node
        slot.expr = _net_rate(flat, var, ctx)
    else:
        slot.expr = node
    flat.slots[key] = slot


def _parse(ctx: Ctx, eqn: str) -> E.Node:
    try:
        return E.parse(eqn)
    except ModelError as exc:
        raise exc.located(ctx.variable, eqn) from None


def _net_rate(flat: Flat, var: Variable, ctx: Ctx) -> E.Node:
    """Inflows minus outflows, of the same element when the flows are arrays."""
    node: E.Node | None = None
    for sign, flows in (("+", var.inflows), ("-", var.outflows)):
        for flow in flows:
            ref = resolve(flat, ctx, E.Ref(flow))
            if node is None:
                node = ref if sign == "+" else E.Unary("-", ref)
            else:
                node = E.Binary(sign, node, ref)
    return node if node is not None else E.Num(0.0)


def _lookup(flat: Flat, gf: GraphicalFunction, node: E.Node) -> E.Node:
    """A table lookup; the elements of an arrayed graphical function share one table."""
    number = flat.tables.setdefault(gf, len(flat.tables))
    return E.Call("#LOOKUP", (E.Num(number), node))


# -- resolution of references and calls --------------------------------------------------------


def resolve(flat: Flat | None, ctx: Ctx, node: E.Node) -> E.Node:
    """Rewrite an equation for one element: references become slot keys, builtins expand."""
    match node:
        case E.Num():
            return node
        case E.Ref():
            return _ref(flat, ctx, node)
        case E.Unary(op, x):
            return E.Unary(op, resolve(flat, ctx, x))
        case E.Binary("mod", a, b) if ctx.scope.vensim:  # Vensim's MODULO keeps the sign
            return E.Call("#FMOD", (resolve(flat, ctx, a), resolve(flat, ctx, b)))
        case E.Binary(op, a, b):
            return E.Binary(op, resolve(flat, ctx, a), resolve(flat, ctx, b))
        case E.If(c, a, b):
            return E.If(resolve(flat, ctx, c), resolve(flat, ctx, a), resolve(flat, ctx, b))
        case E.Call():
            return _call(flat, ctx, node)
    raise ctx.error(f"construct not understood: {node!r}")


def _find(scope: Scope, name: str) -> Variable | None:
    return scope.model.variables.get(name)


def _ref(flat: Flat | None, ctx: Ctx, node: E.Ref, free: dict[str, str] | None = None) -> E.Node:
    scope = ctx.scope
    name = node.name
    if name in scope.subst and not node.subscripts:
        return scope.subst[name]
    var = _find(scope, name)
    if var is None and "." in name:
        head, _, rest = name.partition(".")
        module = scope.model.variables.get(head)
        if module is not None and module.kind == "module":
            return E.Ref(scope.prefix + head + "." + rest)
    if var is None:
        if name in TIME_NAMES and not node.subscripts:
            return E.Call(TIME_NAMES[name], ())
        if name in ("pi",) and not node.subscripts:
            return E.Num(3.141592653589793)
        raise ctx.error(f"unknown variable {name!r}")
    if var.kind == "module":
        raise ctx.error(f"module {var.name!r} used as a value")
    if not var.dims:
        if node.subscripts:
            raise ctx.error(f"{var.name!r} is not an array")
        return E.Ref(scope.prefix + var.ident)
    return E.Ref(_key(scope.prefix, var.ident, _elements(ctx, var, node.subscripts, free)))


def _elements(
    ctx: Ctx, var: Variable, subscripts: tuple[str, ...], free: dict[str, str] | None
) -> tuple[str, ...]:
    dims = ctx.scope.dims
    bound = {**ctx.binding, **(free or {})}
    if subscripts and len(subscripts) != len(var.dims):
        raise ctx.error(f"{var.name!r} has {len(var.dims)} dimensions, not {len(subscripts)}")
    chosen: list[str] = []
    for i, d in enumerate(var.dims):
        elements = dims[d].elements
        sub = subscripts[i] if subscripts else d
        if sub == "*":
            sub = d
        if sub in elements and sub not in dims:
            chosen.append(sub)
            continue
        if sub in bound:
            element = bound[sub]
            if element not in elements:
                element = _positional(dims, sub, d, element, ctx)
            chosen.append(element)
            continue
        if not subscripts:
            match = [bound[b] for b in bound if bound[b] in elements and b in dims]
            if len(match) == 1:
                chosen.append(match[0])
                continue
        if sub in elements:
            chosen.append(sub)
            continue
        if sub in dims:
            raise ctx.error(f"dimension {sub!r} of {var.name!r} needs a subscript here")
        raise ctx.error(f"unknown element or dimension {sub!r} of {var.name!r}")
    return tuple(chosen)


def _positional(dims: dict[str, Dimension], have: str, want: str, element: str, ctx: Ctx) -> str:
    source, target = dims[have].elements, dims[want].elements
    if len(source) != len(target):
        raise ctx.error(f"dimension {have!r} does not map onto {want!r}")
    return target[source.index(element)]


def _free_dims(ctx: Ctx, node: E.Node, found: list[str]) -> list[str]:
    """The dimensions an expression ranges over that the element being defined does not bind."""
    match node:
        case E.Ref(name, subs):
            var = _find(ctx.scope, name)
            if var is not None and var.dims:
                for i, d in enumerate(var.dims):
                    sub = subs[i] if subs and i < len(subs) else d
                    sub = d if sub == "*" else sub
                    if sub in ctx.scope.dims and sub not in ctx.binding and sub not in found:
                        if not subs and any(
                            ctx.binding[b] in ctx.scope.dims[d].elements for b in ctx.binding
                        ):
                            continue
                        found.append(sub)
        case E.Unary(_, x):
            _free_dims(ctx, x, found)
        case E.Binary(_, a, b):
            _free_dims(ctx, a, found)
            _free_dims(ctx, b, found)
        case E.If(c, a, b):
            for part in (c, a, b):
                _free_dims(ctx, part, found)
        case E.Call(_, args):
            for arg in args:
                _free_dims(ctx, arg, found)
    return found


def _expand(flat: Flat | None, ctx: Ctx, node: E.Node) -> list[E.Node]:
    """One resolved expression per combination of the free dimensions' elements."""
    free = _free_dims(ctx, node, [])
    if not free:
        return [resolve(flat, ctx, node)]
    out = []
    for combo in itertools.product(*(ctx.scope.dims[d].elements for d in free)):
        inner = Ctx(ctx.scope, {**ctx.binding, **dict(zip(free, combo, strict=True))},
                    ctx.variable, ctx.equation)  # fmt: skip
        out.append(resolve(flat, inner, node))
    return out


def _call(flat: Flat | None, ctx: Ctx, node: E.Call) -> E.Node:
    fn, args = node.fn, node.args
    builtin = BUILTINS.get(fn)
    if builtin is not None and builtin.reducer and (len(args) == 1 or not builtin.elementwise):
        items: list[E.Node] = []
        for arg in args:
            items.extend(_expand(flat, ctx, arg))
        if fn == "SIZE":
            return E.Num(float(len(items)))
        if builtin.elementwise and len(items) == 1:
            return items[0]  # the extreme of one value (an array of one element)
        return E.Call(fn, tuple(items))
    if flat is None:
        raise ctx.error(f"{fn} cannot connect a module input")
    rargs = tuple(resolve(flat, ctx, a) for a in args)
    lowered = fn.lower()
    macro = ctx.scope.macros.get(fn)
    if macro is not None:
        return _macro(flat, ctx, macro, rargs)
    named = _find(ctx.scope, lowered) or _find(ctx.scope, E.canonical(lowered))
    if named is not None and named.gf is not None and len(rargs) == 1:
        return _lookup(flat, named.gf, rargs[0])
    if fn == "LOOKUP" and len(args) == 2 and isinstance(args[0], E.Ref):
        table = _find(ctx.scope, args[0].name)
        if table is None or table.gf is None:
            raise ctx.error(f"LOOKUP of {args[0].name!r}, which has no graphical function")
        return _lookup(flat, table.gf, rargs[1])
    stateful = _STATEFUL.get(fn)
    if stateful is not None:
        return stateful(flat, ctx, rargs)
    if builtin is not None and builtin.kind == "random":
        flat.random_sites += 1
        return E.Call(fn, (E.Num(flat.random_sites - 1), *rargs))
    if fn == "IF THEN ELSE" and len(rargs) == 3:
        return E.If(*rargs)
    if fn == "MOD" and len(rargs) == 2:
        return E.Call("#FMOD", rargs) if ctx.scope.vensim else E.Binary("mod", *rargs)
    if fn == "INTEGER" or (fn == "INT" and ctx.scope.vensim):
        fn = "#TRUNC"  # Vensim's INTEGER truncates towards zero; XMILE's INT floors
    if builtin is not None and builtin.kind == "time" and not rargs:
        return E.Call(fn, ())
    if fn == "PI" and not rargs:
        return E.Num(3.141592653589793)
    builtin = BUILTINS.get(fn)
    if builtin is None or builtin.kind not in ("function", "rewrite"):
        raise ctx.error(f"unknown function or macro {fn}")
    low, high = builtin.arity
    if not low <= len(rargs) <= high:
        raise ctx.error(f"{fn} takes {low}–{high} arguments, not {len(rargs)}")
    if builtin.kind == "rewrite":  # the right number of arguments, of a form not rewritten
        raise ctx.error(f"unknown function or macro {fn}")
    return E.Call(fn, rargs)


def _macro(flat: Flat, ctx: Ctx, macro: Macro, args: tuple[E.Node, ...]) -> E.Node:
    if len(args) != len(macro.params):
        raise ctx.error(f"macro {macro.name} takes {len(macro.params)} arguments")
    subst = dict(zip(macro.params, args, strict=True))
    prefix = ctx.scope.prefix + flat.hidden("macro " + macro.name.lower()) + "."
    scope = Scope(prefix, macro.model, ctx.scope.dims, ctx.scope.macros, ctx.scope.vensim,
                  subst=subst)  # fmt: skip
    for var in macro.model.variables.values():
        if var.ident not in subst:
            _slot(flat, scope, var, ())
            flat.slots[_key(prefix, var.ident, ())].hidden = True
    body = _parse(ctx, macro.eqn)
    return resolve(flat, Ctx(scope, {}, ctx.variable, macro.eqn), body)


# -- stateful builtins: hidden stocks and special slots -----------------------------------------

Builder = Callable[[Flat, Ctx, tuple[E.Node, ...]], E.Node]


def _stock(flat: Flat, ctx: Ctx, kind: str, init: E.Node, rate: E.Node) -> str:
    key = ctx.scope.prefix + flat.hidden(kind)
    flat.slots[key] = Slot(key, key, "stock", expr=rate, init=init, hidden=True)
    return key


def _aux(flat: Flat, ctx: Ctx, kind: str, node: E.Node) -> E.Ref:
    key = ctx.scope.prefix + flat.hidden(kind)
    flat.slots[key] = Slot(key, key, "aux", expr=node, hidden=True)
    return E.Ref(key)


def _args(ctx: Ctx, fn: str, args: tuple[E.Node, ...], low: int, high: int) -> None:
    if not low <= len(args) <= high:
        raise ctx.error(f"{fn} takes {low}–{high} arguments, not {len(args)}")


def _order(ctx: Ctx, fn: str, node: E.Node) -> int:
    if isinstance(node, E.Num) and node.value >= 1 and float(node.value).is_integer():
        return int(node.value)
    raise ctx.error(f"{fn} needs a whole constant number of stages")


def _div(a: E.Node, b: E.Node) -> E.Node:
    return E.Binary("/", a, b)


def _smooth(flat: Flat, ctx: Ctx, fn: str, x: E.Node, time: E.Node, n: int,
            init: E.Node | None) -> E.Node:  # fmt: skip
    x = _aux(flat, ctx, fn.lower() + " input", x)
    stage_time = time if n == 1 else _aux(flat, ctx, fn.lower() + " time", _div(time, E.Num(n)))
    previous: E.Node = x
    start = init if init is not None else x
    for _ in range(n):
        key = _stock(flat, ctx, fn.lower(), start, E.Num(0.0))
        flat.slots[key].expr = _div(E.Binary("-", previous, E.Ref(key)), stage_time)
        previous = E.Ref(key)
    return previous


def _smth(n: int | None) -> Builder:
    def build(flat: Flat, ctx: Ctx, args: tuple[E.Node, ...]) -> E.Node:
        fn = f"SMTH{n}" if n else "SMTHN"
        if n:
            _args(ctx, fn, args, 2, 3)
            return _smooth(flat, ctx, fn, args[0], args[1], n, args[2] if len(args) > 2 else None)
        _args(ctx, fn, args, 3, 4)
        order = _order(ctx, fn, args[2])
        return _smooth(flat, ctx, fn, args[0], args[1], order, args[3] if len(args) > 3 else None)

    return build


def _material(flat: Flat, ctx: Ctx, fn: str, x: E.Node, time: E.Node, n: int,
              init: E.Node | None) -> E.Node:  # fmt: skip
    x = _aux(flat, ctx, fn.lower() + " input", x)
    stage_time = time if n == 1 else _aux(flat, ctx, fn.lower() + " time", _div(time, E.Num(n)))
    inflow: E.Node = x
    start = E.Binary("*", init if init is not None else x, stage_time)
    for _ in range(n):
        key = _stock(flat, ctx, fn.lower(), start, E.Num(0.0))
        outflow = _aux(flat, ctx, fn.lower() + " outflow", _div(E.Ref(key), stage_time))
        flat.slots[key].expr = E.Binary("-", inflow, outflow)
        inflow = outflow
    return inflow


def _delayn(n: int | None) -> Builder:
    def build(flat: Flat, ctx: Ctx, args: tuple[E.Node, ...]) -> E.Node:
        fn = f"DELAY{n}" if n else "DELAYN"
        if n:
            _args(ctx, fn, args, 2, 3)
            return _material(flat, ctx, fn, args[0], args[1], n, args[2] if len(args) > 2 else None)
        _args(ctx, fn, args, 3, 4)
        order = _order(ctx, fn, args[2])
        init = args[3] if len(args) > 3 else None
        return _material(flat, ctx, fn, args[0], args[1], order, init)

    return build


def _trend(flat: Flat, ctx: Ctx, args: tuple[E.Node, ...]) -> E.Node:
    _args(ctx, "TREND", args, 2, 3)
    x = _aux(flat, ctx, "trend input", args[0])
    time = args[1]
    initial = args[2] if len(args) > 2 else E.Num(0.0)
    start = _div(x, E.Binary("+", E.Num(1.0), E.Binary("*", initial, time)))
    key = _stock(flat, ctx, "trend", start, E.Num(0.0))
    flat.slots[key].expr = _div(E.Binary("-", x, E.Ref(key)), time)
    return E.Call("ZIDZ", (E.Binary("-", x, E.Ref(key)), E.Binary("*", E.Ref(key), time)))


def _delay(flat: Flat, ctx: Ctx, args: tuple[E.Node, ...]) -> E.Node:
    _args(ctx, "DELAY", args, 2, 3)
    key = ctx.scope.prefix + flat.hidden("delay")
    x = _aux(flat, ctx, "delay input", args[0])
    init = args[2] if len(args) > 2 else None
    flat.slots[key] = Slot(key, key, "delay", expr=x, init=init, extra=args[1], hidden=True)
    return E.Ref(key)


def _init(flat: Flat, ctx: Ctx, args: tuple[E.Node, ...]) -> E.Node:
    _args(ctx, "INIT", args, 1, 1)
    key = ctx.scope.prefix + flat.hidden("init")
    flat.slots[key] = Slot(key, key, "init", expr=args[0], hidden=True)
    return E.Ref(key)


def _previous(flat: Flat, ctx: Ctx, args: tuple[E.Node, ...]) -> E.Node:
    _args(ctx, "PREVIOUS", args, 1, 2)
    key = ctx.scope.prefix + flat.hidden("previous")
    init = args[1] if len(args) > 1 else None
    flat.slots[key] = Slot(key, key, "previous", expr=args[0], init=init, hidden=True)
    return E.Ref(key)


_STATEFUL: dict[str, Builder] = {
    "SMTH1": _smth(1), "SMTH3": _smth(3), "SMTHN": _smth(None),
    "DELAY1": _delayn(1), "DELAY3": _delayn(3), "DELAYN": _delayn(None),
    "TREND": _trend, "DELAY": _delay, "INIT": _init, "PREVIOUS": _previous,
}  # fmt: skip


def clamp_uniflows(flat: Flat) -> None:
    """Uniflows (non-negative flows) never go below zero.

    Non-negative stocks are kept at zero or above by the integrator (see codegen), as the
    canonical outputs of the shared test suite do.
    """
    for slot in flat.slots.values():
        if slot.kind == "flow" and slot.var is not None and slot.var.non_negative:
            slot.expr = E.Call("MAX", (slot.expr or E.Num(0.0), E.Num(0.0)))


__all__ = ["Flat", "Slot", "clamp_uniflows", "flatten"]
