"""Command line: ``python -m rumbo.sd run MODEL ...`` and ``python -m rumbo.sd ensemble MODEL ...``.

Results go to a CSV with a ``time`` column and one column per variable (array elements as
``name[element]``); an ensemble's CSV starts with a ``member`` column. Bad input gets one
line on standard error and exit code 2.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import numpy as np

from .errors import ModelError
from .model import METHODS, load
from .results import Result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m rumbo.sd", description="Run XMILE system-dynamics models."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (("run", "one run"), ("ensemble", "one run per row of a parameter CSV")):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("model", type=Path, help="the XMILE model (.xmile, .stmx)")
        cmd.add_argument("--method", choices=METHODS, help="integration method (default: model's)")
        cmd.add_argument("--csv", type=Path, help="where to write results (default: stdout)")
        cmd.add_argument(
            "--vars", help="comma-separated variables to write (default: all)", default=None
        )
        cmd.add_argument("--save-every", type=int, help="write every Nth dt step")
        cmd.add_argument("--seed", type=int, default=0, help="seed of the random functions")
        if name == "run":
            cmd.add_argument(
                "--set", action="append", default=[], metavar="NAME=VALUE",
                help="set a constant or a stock's initial value (repeatable)",
            )  # fmt: skip
        else:
            cmd.add_argument(
                "--params", type=Path, required=True,
                help="CSV with a header of parameter names and one row per member",
            )  # fmt: skip
    return parser


def _settings(pairs: Sequence[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ModelError(f"--set needs NAME=VALUE, not {pair!r}")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise ModelError(f"--set {name.strip()}: {value!r} is not a number") from None
    return out


def _read_params(path: Path) -> dict[str, np.ndarray]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except OSError as exc:
        raise ModelError(f"cannot read {path}: {exc.strerror}") from None
    if len(rows) < 2:
        raise ModelError(f"{path}: a header of parameter names and at least one row are needed")
    header = [h.strip() for h in rows[0]]
    columns: dict[str, list[float]] = {h: [] for h in header}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ModelError(f"{path}, row {number}: {len(row)} values for {len(header)} columns")
        for name, cell in zip(header, row, strict=True):
            try:
                columns[name].append(float(cell))
            except ValueError:
                raise ModelError(
                    f"{path}, row {number}, column {name!r}: {cell!r} is not a number"
                ) from None
    return {name: np.asarray(values) for name, values in columns.items()}


def write_csv(result: Result, out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    names = result.columns
    if result.members is None:
        writer.writerow(["time", *names])
        columns = [result.data[n] for n in names]
        for i, t in enumerate(result.times):
            writer.writerow([repr(float(t)), *(repr(float(c[i])) for c in columns)])
        return
    writer.writerow(["member", "time", *names])
    for m in range(result.members):
        columns = [result.data[n][m] for n in names]
        member = result.first_member + m
        for i, t in enumerate(result.times):
            writer.writerow([member, repr(float(t)), *(repr(float(c[i])) for c in columns)])


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        model = load(args.model)
        variables = [v.strip() for v in args.vars.split(",")] if args.vars else None
        options = dict(method=args.method, variables=variables, save_every=args.save_every,
                       seed=args.seed)  # fmt: skip
        if args.command == "run":
            result = model.run(_settings(args.set), **options)
        else:
            result = model.ensemble(_read_params(args.params), **options)
        if args.csv:
            with args.csv.open("w", newline="", encoding="utf-8") as handle:
                write_csv(result, handle)
        else:
            write_csv(result, sys.stdout)
    except ModelError as exc:
        print(f"error: {exc.line()}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
