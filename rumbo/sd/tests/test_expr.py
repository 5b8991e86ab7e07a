"""The equation parser: precedence, names and the forms converters write."""

from __future__ import annotations

import pytest

from rumbo.sd import ModelError
from rumbo.sd.expr import Binary, Call, If, Num, Ref, Unary, canonical, parse


def test_power_binds_tighter_than_unary_minus_and_is_right_associative() -> None:
    assert parse("-2^2") == Unary("-", Binary("^", Num(2.0), Num(2.0)))
    assert parse("2^3^2") == Binary("^", Num(2.0), Binary("^", Num(3.0), Num(2.0)))
    assert parse("2^-1") == Binary("^", Num(2.0), Unary("-", Num(1.0)))


def test_logic_and_comparison_precedence() -> None:
    a, b, c = Ref("a"), Ref("b"), Ref("c")
    assert parse("a < b and b < c or not c") == Binary(
        "or",
        Binary("and", Binary("<", a, b), Binary("<", b, c)),
        Unary("not", c),
    )
    assert parse("a mod 3 + 1") == Binary("+", Binary("mod", a, Num(3.0)), Num(1.0))


def test_if_statement_and_vensim_function_form() -> None:
    statement = parse("IF a > 1 THEN 2 ELSE 3")
    assert statement == If(Binary(">", Ref("a"), Num(1.0)), Num(2.0), Num(3.0))
    assert parse("IF THEN ELSE(a > 1, 2, 3) * 2") == Binary("*", statement, Num(2.0))


def test_names_quotes_comments_and_spaced_calls() -> None:
    assert canonical('"Stock_A"') == canonical("stock a") == "stock a"
    assert parse('"Aux with $pecial (chars)" {a comment} + 1') == Binary(
        "+", Ref("aux with $pecial (chars)"), Num(1.0)
    )
    assert parse("EXPRESSION MACRO(x, 2)") == Call("EXPRESSION MACRO", (Ref("x"), Num(2.0)))
    assert parse("a[B, *]") == Ref("a", ("b", "*"))
    assert parse(".5e1") == Num(5.0)


@pytest.mark.parametrize("text", ["", "1 +", "(1", "a[1", "IF a THEN b", "MIN(1 2)", "1 ? 2"])
def test_bad_equations_raise_a_model_error(text: str) -> None:
    with pytest.raises(ModelError):
        parse(text)
