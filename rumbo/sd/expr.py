"""XMILE equations: tokens and a precedence-climbing parser into a small tree.

Precedence, loosest first: OR, AND, = <>, < <= > >=, + -, * / MOD, unary + - NOT, ^.
Exponentiation binds tighter than a unary minus (-2^2 = -4) and is right-associative.
Names are canonical (see :func:`canonical`); function names are upper case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .errors import ModelError


@lru_cache(maxsize=65536)
def canonical(name: str) -> str:
    """XMILE identifier equivalence: case-insensitive, spaces equal underscores, quotes off."""
    name = name.strip()
    if len(name) >= 2 and name[0] == name[-1] == '"':
        name = name[1:-1]
    name = name.replace("\\n", " ").replace("\n", " ").replace("_", " ")
    return " ".join(name.split()).lower()


def canonical_column(name: str) -> str:
    """A result column's name made canonical, subscripts included: "Stock A[B, c]" and
    "stock_a[b,C]" are one column."""
    name = name.strip()
    if "[" in name and name.endswith("]"):
        base, _, subs = name[:-1].partition("[")
        parts = [canonical(p) for p in subs.split(",")]
        return f"{canonical(base)}[{','.join(parts)}]"
    return canonical(name)


@dataclass(frozen=True)
class Num:
    value: float


@dataclass(frozen=True)
class Ref:
    name: str  # canonical
    subscripts: tuple[str, ...] = ()  # canonical element/dimension names, or "*"


@dataclass(frozen=True)
class Call:
    fn: str  # upper case, canonical spacing
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Unary:
    op: str  # "-", "+", "not"
    x: Node


@dataclass(frozen=True)
class Binary:
    op: str  # + - * / ^ mod = <> < <= > >= and or
    a: Node
    b: Node


@dataclass(frozen=True)
class If:
    cond: Node
    then: Node
    other: Node


Node = Num | Ref | Call | Unary | Binary | If

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+|\{[^}]*\}|\\\n)
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<quoted>"(?:[^"\\]|\\.)*")
  | (?P<name>[^\W\d][\w$.]*|\$[\w$.]*)
  | (?P<op><=|>=|<>|!=|==|[-+*/^()\[\],<>=:!])
    """,
    re.VERBOSE,
)
_KEYWORDS = {"if", "then", "else", "and", "or", "not", "mod"}
_COMPARE = {"=": "=", "==": "=", "<>": "<>", "!=": "<>"}


@dataclass(frozen=True)
class _Tok:
    kind: str  # num, name, quoted, op, kw, end
    text: str


def tokenize(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise ModelError(f"unexpected character {text[pos]!r}", equation=text)
        pos = m.end()
        kind = m.lastgroup or ""
        if kind == "ws":
            continue
        word = m.group(kind)
        if kind == "name" and word.lower() in _KEYWORDS:
            toks.append(_Tok("kw", word.lower()))
        else:
            toks.append(_Tok(kind, word))
    toks.append(_Tok("end", ""))
    return toks


_BINARY: list[dict[str, str]] = [
    {"or": "or"},
    {"and": "and"},
    {"=": "=", "==": "=", "<>": "<>", "!=": "<>"},
    {"<": "<", "<=": "<=", ">": ">", ">=": ">="},
    {"+": "+", "-": "-"},
    {"*": "*", "/": "/", "mod": "mod"},
]


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = tokenize(text)
        self.i = 0

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def expect(self, text: str) -> None:
        tok = self.take()
        if tok.text.lower() != text:
            found = tok.text or "the end of the equation"
            raise ModelError(f"expected {text!r} but found {found!r}", equation=self.text)

    def parse(self) -> Node:
        if self.peek().kind == "end":
            raise ModelError("empty equation", equation=self.text)
        node = self.expression()
        if self.peek().kind != "end":
            raise ModelError(f"unexpected {self.peek().text!r}", equation=self.text)
        return node

    def function_if(self) -> bool:
        """Vensim's function form, IF THEN ELSE(condition, then, else), is next."""
        return [t.text for t in self.toks[self.i : self.i + 4]] == ["if", "then", "else", "("]

    def expression(self) -> Node:
        if self.peek().kind == "kw" and self.peek().text == "if" and not self.function_if():
            self.take()
            cond = self.expression()
            self.expect("then")
            then = self.expression()
            self.expect("else")
            return If(cond, then, self.expression())
        return self.binary(0)

    def binary(self, level: int) -> Node:
        if level == len(_BINARY):
            return self.unary()
        node = self.binary(level + 1)
        ops = _BINARY[level]
        while self.peek().kind in ("op", "kw") and self.peek().text.lower() in ops:
            op = ops[self.take().text.lower()]
            node = Binary(op, node, self.binary(level + 1))
        return node

    def unary(self) -> Node:
        tok = self.peek()
        if (tok.kind == "op" and tok.text in "+-") or (tok.kind == "kw" and tok.text == "not"):
            self.take()
            return Unary(tok.text, self.unary())
        if tok.kind == "op" and tok.text == "!":
            self.take()
            return Unary("not", self.unary())
        return self.power()

    def power(self) -> Node:
        base = self.atom()
        if self.peek().kind == "op" and self.peek().text == "^":
            self.take()
            return Binary("^", base, self.unary())
        return base

    def atom(self) -> Node:
        if self.function_if():
            self.i += 4
            args = self.arguments()
            if len(args) != 3:
                raise ModelError("IF THEN ELSE takes 3 arguments", equation=self.text)
            return If(*args)
        tok = self.take()
        if tok.kind == "num":
            return Num(float(tok.text))
        if tok.kind == "op" and tok.text == "(":
            node = self.expression()
            self.expect(")")
            return node
        if tok.kind == "kw" and tok.text == "if":
            self.i -= 1
            return self.expression()
        if tok.kind == "kw" and tok.text == "mod" and self.peek().text == "(":
            self.take()  # MOD(a, b), the function form of the operator
            return Call("MOD", self.arguments())
        if tok.kind in ("name", "quoted"):
            name = tok.text
            # Names written with spaces (a macro called "EXPRESSION MACRO") join up.
            while tok.kind == "name" and self.peek().kind == "name":
                name += " " + self.take().text
            if self.peek().kind == "op" and self.peek().text == "(":
                self.take()
                return Call(" ".join(canonical(name).split()).upper(), self.arguments())
            subs: tuple[str, ...] = ()
            if self.peek().kind == "op" and self.peek().text == "[":
                self.take()
                subs = self.subscripts()
            return Ref(canonical(name), subs)
        found = tok.text or "the end of the equation"
        raise ModelError(f"unexpected {found!r}", equation=self.text)

    def arguments(self) -> tuple[Node, ...]:
        args: list[Node] = []
        if self.peek().kind == "op" and self.peek().text == ")":
            self.take()
            return ()
        while True:
            args.append(self.expression())
            tok = self.take()
            if tok.text == ")":
                return tuple(args)
            if tok.text != ",":
                found = tok.text or "the end of the equation"
                raise ModelError(f"expected ',' or ')' but found {found!r}", equation=self.text)

    def subscripts(self) -> tuple[str, ...]:
        subs: list[str] = []
        while True:
            tok = self.take()
            if tok.kind == "op" and tok.text == "*":
                subs.append("*")
            elif tok.kind in ("name", "quoted", "num"):
                word = tok.text
                while self.peek().kind in ("name", "num"):
                    word += " " + self.take().text
                subs.append(canonical(word))
            else:
                raise ModelError(f"unexpected {tok.text!r} in subscripts", equation=self.text)
            tok = self.take()
            if tok.text == "]":
                return tuple(subs)
            if tok.text != ",":
                raise ModelError(f"unexpected {tok.text!r} in subscripts", equation=self.text)


@lru_cache(maxsize=16384)
def parse(text: str) -> Node:
    """Parse one equation; a :class:`ModelError` names what was not understood.

    Trees are immutable, so an apply-to-all equation is parsed once for all its elements."""
    return _Parser(text).parse()


def parse_list(text: str) -> list[Node] | None:
    """A comma-separated list of numbers (an array's values written in one equation), or None."""
    parts = [p for p in text.replace(";", ",").split(",") if p.strip()]
    if len(parts) < 2:
        return None
    try:
        return [Num(float(p.strip())) for p in parts]
    except ValueError:
        return None
