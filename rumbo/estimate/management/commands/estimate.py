"""`rumbo estimate run|calibrate|bands`: the labour-demand model from the command line.

Thin over the Django-free modules of `rumbo.estimate`. Bad input gets one line on standard
error and exit code 2, and no output file is written. MODEL may be ``standard`` for the
shipped model (rumbo/estimate/models/labour_demand.xmile).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rumbo import sd
from rumbo.estimate import STANDARD_MODEL
from rumbo.estimate.bands import bands, read_ranges
from rumbo.estimate.calibrate import DIFFERENCES, calibrate
from rumbo.estimate.series import read_observations
from rumbo.sd.cli import write_csv

BAD_INPUT = 2


class OneLineParser(CommandParser):
    """Usage mistakes as one line on standard error (exit 2), not the whole usage text."""

    def error(self, message: str) -> NoReturn:
        if self.called_from_command_line:
            self.exit(BAD_INPUT, f"{self.prog}: error: {message} (see --help)\n")
        raise CommandError(f"Error: {message}", returncode=BAD_INPUT)


class Command(BaseCommand):
    help = "Run, calibrate and draw uncertainty bands of a labour-demand model (XMILE)."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=OneLineParser)
        run = sub.add_parser("run", help="one run to a CSV")
        calib = sub.add_parser("calibrate", help="fit parameters to observed series")
        band = sub.add_parser("bands", help="Monte Carlo 80%% and 95%% bands")
        for cmd in (run, calib, band):
            cmd.add_argument("model", help="the XMILE model, or 'standard' for the shipped one")
            cmd.add_argument("--method", choices=sd.METHODS, help="integration method")
            cmd.add_argument(
                "--set", action="append", default=[], metavar="NAME=VALUE", dest="assign",
                help="set a constant or a stock's initial value (repeatable)",
            )  # fmt: skip
        for cmd in (run, band):
            cmd.add_argument("--csv", required=True, type=Path, help="the CSV file to write")
            cmd.add_argument("--vars", help="comma-separated variables to write (default: all)")
            cmd.add_argument("--seed", type=int, default=0, help="seed of random draws")
        calib.add_argument("--data", required=True, type=Path, help="observed series (CSV)")
        calib.add_argument("--fit", required=True, help="comma-separated parameters to fit")
        calib.add_argument("--json", required=True, type=Path, help="the JSON file to write")
        calib.add_argument(
            "--start", action="append", default=[], metavar="NAME=VALUE",
            help="starting value of a fitted parameter (default: the model's)",
        )  # fmt: skip
        calib.add_argument(
            "--bound", action="append", default=[], metavar="NAME=LOW:HIGH",
            help="limits of a fitted parameter (default: none)",
        )  # fmt: skip
        calib.add_argument("--difference", choices=DIFFERENCES, default="forward")
        band.add_argument("--ranges", required=True, type=Path, help="parameter ranges (CSV)")
        band.add_argument("--members", required=True, type=int, help="number of members")
        band.add_argument(
            "--scheduler",
            help="Dask scheduler address (default: setting or env RUMBO_DASK_SCHEDULER)",
        )
        band.add_argument("--chunk-size", type=int, default=2000, help="members per Dask task")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = model_path(options["model"])
            model = sd.load(path)
            fixed = assignments(options["assign"], "--set")
            action = options["action"]
            if action == "run":
                wanted = names(options["vars"])
                result = model.run(
                    fixed, method=options["method"], variables=wanted, seed=options["seed"]
                )
                write_atomically(options["csv"], lambda out: write_csv(result, out))
            elif action == "calibrate":
                self.calibrate(model, path, fixed, options)
            else:
                self.bands(model, path, fixed, options)
        except sd.ModelError as exc:
            raise CommandError(exc.line(), returncode=BAD_INPUT) from None
        except OSError as exc:
            raise CommandError(str(exc), returncode=BAD_INPUT) from None

    def calibrate(
        self, model: sd.Model, path: Path, fixed: dict[str, float], options: dict[str, Any]
    ) -> None:
        fitted = calibrate(
            model,
            read_observations(options["data"]),
            names(options["fit"]) or [],
            start=assignments(options["start"], "--start"),
            bounds=limits(options["bound"]),
            fixed=fixed,
            method=options["method"],
            difference=options["difference"],
        )
        data = {
            "model": str(path),
            "model_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "data": str(options["data"]),
            "method": options["method"] or model.specs.method,
            **fitted.as_dict(),
        }
        text = json.dumps(finite(data), ensure_ascii=False, indent=2, allow_nan=False)
        write_atomically(options["json"], lambda out: out.write(text + "\n"))
        self.stderr.write(
            f"{'Fitted' if fitted.success else 'Not converged'}: {fitted.message} "
            f"({fitted.model_evaluations} model runs); wrote {options['json']}"
        )

    def bands(
        self, model: sd.Model, path: Path, fixed: dict[str, float], options: dict[str, Any]
    ) -> None:
        ranges = read_ranges(options["ranges"])
        address = (
            options["scheduler"]
            or getattr(settings, "RUMBO_DASK_SCHEDULER", None)
            or os.environ.get("RUMBO_DASK_SCHEDULER")
        )
        common: dict[str, Any] = dict(
            seed=options["seed"], variables=names(options["vars"]), fixed=fixed,
            method=options["method"], chunk_size=options["chunk_size"],
        )  # fmt: skip
        if address:
            try:
                from dask.distributed import Client
            except ImportError:
                raise sd.ModelError("a Dask scheduler needs dask[distributed] installed") from None

            with Client(address) as client:
                result = bands(model, ranges, options["members"], client=client,
                               model_text=path.read_bytes(), **common)  # fmt: skip
        else:
            result = bands(model, ranges, options["members"], **common)
        write_atomically(options["csv"], result.write_csv)


def model_path(given: str) -> Path:
    path = STANDARD_MODEL if given == "standard" else Path(given)
    if not path.is_file():
        raise sd.ModelError(f"no model file {given}")
    return path


def names(text: str | None) -> list[str] | None:
    """Comma-separated names; commas inside brackets (array elements) do not separate."""
    if not text:
        return None
    out, depth, current = [], 0, ""
    for char in text:
        depth += {"[": 1, "]": -1}.get(char, 0)
        if char == "," and depth == 0:
            out.append(current.strip())
            current = ""
        else:
            current += char
    out.append(current.strip())
    if any(not name for name in out):
        raise sd.ModelError(f"an empty name in {text!r}")
    return out


def assignments(pairs: Sequence[str], option: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise sd.ModelError(f"{option} needs NAME=VALUE, not {pair!r}")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise sd.ModelError(f"{option} {name.strip()}: {value!r} is not a number") from None
    return out


def limits(pairs: Sequence[str]) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        low, colon, high = value.partition(":")
        try:
            if not sep or not colon or not name.strip():
                raise ValueError
            out[name.strip()] = (float(low or "-inf"), float(high or "inf"))
        except ValueError:
            raise sd.ModelError(f"--bound needs NAME=LOW:HIGH, not {pair!r}") from None
    return out


def finite(value: Any) -> Any:
    """The same data with NaN and infinities as null (JSON has no such numbers)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def write_atomically(path: Path, write: Callable[[TextIO], object]) -> None:
    """Write to a temporary file beside `path`, then rename: never a half-written file."""
    directory = path.resolve().parent
    if not directory.is_dir():
        raise sd.ModelError(f"no directory {directory} to write {path.name} in")
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", newline="", encoding="utf-8") as out:
            write(out)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
