"""The command line, run as users run it: ``python -m rumbo.sd run|ensemble``.

The processes of this file are started at once (the interpreter's start-up dominates), then
each test reads its outcome; a few more bad inputs go through ``main`` in this process.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from rumbo.sd.cli import main

from .xmile_text import aux, document, flow, stock

# dS/dt = -k S, S(0) = 100, dt = 1; and an array a[x], a[y].
GOOD = document(
    [
        stock("S", "100", outflows=["out"]),
        flow("out", "k * S"),
        aux("k", "0.5"),
        aux("a", "k * 2", dims=["D"]),
    ],
    stop=2,
    dimensions={"D": ["x", "y"]},
)
BROKEN = {
    "unknown variable": document([aux("a", "b + 1")]),
    "unknown function": document([aux("a", "FOO(1)")]),
    "unparsable": document([aux("a", "1 + * 2")]),
}
MORE_BROKEN = {
    "array without subscript": document(
        [aux("arr", "1", dims=["D"]), aux("a", "arr * 2")], dimensions={"D": ["x", "y"]}
    ),
    "bad graphical function": document(
        [aux("a", "TIME", extra='<gf><xscale min="0" max="ten"/><ypts>0,1</ypts></gf>')]
    ),
}


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str


def _commands(tmp: Path) -> dict[str, list[str]]:
    good = tmp / "good.xmile"
    good.write_text(GOOD)
    (tmp / "params.csv").write_text("k,S\n0.1,100\n0.2,50\n")
    (tmp / "not a number.csv").write_text("k\n0.1\nabc\n")
    commands = {
        "run": ["run", str(good), "--csv", str(tmp / "run.csv")],
        "set": ["run", str(good), "--set", "k=1", "--set", "S=10", "--method", "rk4"],
        "ensemble": [
            "ensemble", str(good), "--params", str(tmp / "params.csv"),
            "--csv", str(tmp / "ensemble.csv"), "--vars", "S,a",
        ],
        "set computed": ["run", str(good), "--set", "out=1"],
        "missing file": ["run", str(tmp / "missing.xmile")],
        "params not a number": ["ensemble", str(good), "--params", str(tmp / "not a number.csv")],
    }  # fmt: skip
    for name, text in BROKEN.items():
        path = tmp / f"{name}.xmile"
        path.write_text(text)
        commands[name] = ["run", str(path)]
    return commands


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli")


@pytest.fixture(scope="module")
def outcomes(workdir: Path) -> dict[str, Outcome]:
    started = {
        name: subprocess.Popen(
            [sys.executable, "-m", "rumbo.sd", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parents[3],
        )
        for name, args in _commands(workdir).items()
    }
    done = {}
    for name, process in started.items():
        stdout, stderr = process.communicate(timeout=60)
        done[name] = Outcome(process.returncode, stdout, stderr)
    return done


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_run_writes_a_csv_with_time_and_array_columns(
    outcomes: dict[str, Outcome], workdir: Path
) -> None:
    assert outcomes["run"].code == 0, outcomes["run"].stderr
    assert outcomes["run"].stderr == outcomes["run"].stdout == ""
    table = rows((workdir / "run.csv").read_text())
    assert table[0] == ["time", "S", "out", "k", "a[x]", "a[y]"]
    assert [[float(v) for v in row] for row in table[1:]] == [
        [0, 100, 50, 0.5, 1, 1],
        [1, 50, 25, 0.5, 1, 1],
        [2, 25, 12.5, 0.5, 1, 1],
    ]


def test_set_and_method_rk4_write_to_stdout(outcomes: dict[str, Outcome]) -> None:
    # k = 1, S(0) = 10, dt = 1: each RK4 step multiplies S by 1 - 1 + 1/2 - 1/6 + 1/24.
    assert outcomes["set"].code == 0, outcomes["set"].stderr
    table = rows(outcomes["set"].stdout)
    assert table[0] == ["time", "S", "out", "k", "a[x]", "a[y]"]
    assert [float(row[1]) for row in table[1:]] == [10, 3.75, 1.40625]
    assert [float(row[4]) for row in table[1:]] == [2, 2, 2]


def test_ensemble_from_a_params_csv(outcomes: dict[str, Outcome], workdir: Path) -> None:
    assert outcomes["ensemble"].code == 0, outcomes["ensemble"].stderr
    table = rows((workdir / "ensemble.csv").read_text())
    assert table[0] == ["member", "time", "S", "a[x]", "a[y]"]
    assert [[float(v) for v in row] for row in table[1:]] == [
        [0, 0, 100, 0.2, 0.2],
        [0, 1, 90, 0.2, 0.2],
        [0, 2, 81, 0.2, 0.2],
        [1, 0, 50, 0.4, 0.4],
        [1, 1, 40, 0.4, 0.4],
        [1, 2, 32, 0.4, 0.4],
    ]


@pytest.mark.parametrize(
    ("case", "named"),
    [
        ("unknown variable", ["a:", "'b'", "b + 1"]),
        ("unknown function", ["a:", "FOO"]),
        ("unparsable", ["a:", "'*'", "1 + * 2"]),
        ("set computed", ["out", "cannot be set", "k * S"]),
        ("missing file", ["missing.xmile"]),
        ("params not a number", ["not a number.csv", "row 3", "'k'", "'abc'"]),
    ],
)
def test_bad_input_gives_one_line_and_exit_code_2(
    outcomes: dict[str, Outcome], case: str, named: list[str]
) -> None:
    outcome = outcomes[case]
    assert outcome.code == 2
    assert "Traceback" not in outcome.stderr
    lines = outcome.stderr.splitlines()
    assert len(lines) == 1, outcome.stderr
    assert lines[0].startswith("error: ")
    for part in named:
        assert part in lines[0]
    assert outcome.stdout == ""


@pytest.mark.parametrize(
    ("case", "named"),
    [
        ("array without subscript", ["a:", "'arr'", "arr * 2"]),
        ("bad graphical function", ["a:", "'ten'"]),
        ("params unknown name", ["no variable called 'growth rate'"]),
    ],
)
def test_more_bad_input_in_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, named: list[str]
) -> None:
    good = tmp_path / "good.xmile"
    good.write_text(GOOD)
    if case in MORE_BROKEN:
        path = tmp_path / "model.xmile"
        path.write_text(MORE_BROKEN[case])
        argv = ["run", str(path)]
    else:
        params = tmp_path / "params.csv"
        params.write_text("k,growth rate\n0.1,2\n")
        argv = ["ensemble", str(good), "--params", str(params)]
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("error: ")
    for part in named:
        assert part in lines[0]
    assert captured.out == ""
