"""`rumbo estimate run|calibrate|bands`: files written, bad input refused without a file."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from rumbo import sd
from rumbo.cli import main
from rumbo.estimate import STANDARD_MODEL
from rumbo.estimate.synthetic import EXAMPLES, TRUE_PARAMETERS

ROOT = Path(__file__).resolve().parents[3]
SERIES = str(EXAMPLES / "synthetic_series.csv")
RANGES = str(EXAMPLES / "synthetic_ranges.csv")


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_run_writes_the_chosen_variables_with_the_values_set(tmp_path: Path) -> None:
    out = tmp_path / "run.csv"
    main(["estimate", "run", str(STANDARD_MODEL), "--set", "Output Growth Rate=0.05",
          "--method", "rk4", "--vars", "Labour Demand,Foreign Workers[women]",
          "--csv", str(out)])  # fmt: skip
    table = rows(out)
    assert list(table[0]) == ["time", "Labour Demand", "Foreign Workers[women]"]
    expected = sd.load(STANDARD_MODEL).run({"Output Growth Rate": 0.05}, method="rk4")
    assert np.allclose([float(r["Labour Demand"]) for r in table], expected["Labour Demand"])


def test_calibrate_writes_fitted_values_and_statistics(tmp_path: Path) -> None:
    out = tmp_path / "fit.json"
    call_command("estimate", "calibrate", "standard", "--data", SERIES,
                 "--fit", "Output Growth Rate,Average Permit Stay,Productivity Growth Rate,"
                 "Foreign Fill Share,Domestic Exit Rate,Base Domestic Entrants",
                 "--bound", "Foreign Fill Share=0:1", "--json", str(out))  # fmt: skip
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["parameters"]["Output Growth Rate"] == pytest.approx(0.042, rel=0.05)
    assert data["bounds"]["Foreign Fill Share"] == [0, 1]
    assert data["bounds"]["Output Growth Rate"] == [None, None]  # unbounded
    stats = data["statistics"]["Total Foreign Workers"]
    assert set(stats) == {"n", "rmse", "mape", "theil_u", "um", "us", "uc", "r2"}
    assert stats["n"] == 15 and stats["r2"] > 0.99
    series = data["series"]["Permits Granted"]
    assert len(series["time"]) == len(series["observed"]) == len(series["simulated"]) == 15
    assert len(data["model_sha256"]) == 64 and data["method"] == "euler"
    assert set(TRUE_PARAMETERS) == set(data["parameters"])


def test_bands_write_a_row_per_variable_and_time(tmp_path: Path) -> None:
    out = tmp_path / "bands.csv"
    call_command("estimate", "bands", "standard", "--ranges", RANGES, "--members", "200",
                 "--vars", "Unfilled Demand,Job Openings", "--seed", "4",
                 "--csv", str(out))  # fmt: skip
    table = rows(out)
    assert {r["variable"] for r in table} == {"Unfilled Demand", "Job Openings"}
    assert len(table) == 2 * 101
    first = out.read_text(encoding="utf-8")
    call_command("estimate", "bands", "standard", "--ranges", RANGES, "--members", "200",
                 "--vars", "Unfilled Demand,Job Openings", "--seed", "4",
                 "--csv", str(out))  # fmt: skip
    assert out.read_text(encoding="utf-8") == first  # same seed, same numbers


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "missing.xmile"], "no model file missing.xmile"),
        (["run", "standard", "--set", "Labour Demand=3"], "cannot be set"),
        (["run", "standard", "--set", "Output Growth Rate"], "--set needs NAME=VALUE"),
        (["run", "standard", "--vars", "Nothing"], "no variable called 'Nothing'"),
        (["calibrate", "standard", "--data", RANGES, "--fit", "Output Growth Rate"],
         "no 'time' column"),
        (["calibrate", "standard", "--data", SERIES, "--fit", "Output Growth Rate",
          "--bound", "Output Growth Rate=0.1"], "--bound needs NAME=LOW:HIGH"),
        (["bands", "standard", "--ranges", SERIES, "--members", "5"], "the header must be"),
        (["bands", "standard", "--ranges", RANGES, "--members", "0"], "at least 1"),
    ],
)  # fmt: skip
def test_bad_input_is_one_error_and_no_file(tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "out"
    option = "--json" if args[0] == "calibrate" else "--csv"
    with pytest.raises(CommandError, match=message) as raised:
        call_command("estimate", *args, option, str(out))
    assert raised.value.returncode == 2
    assert list(tmp_path.iterdir()) == []


def test_from_the_shell_bad_input_is_one_line_on_stderr_and_exit_2(tmp_path: Path) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "rumbo.test_settings", "PYTHONPATH": str(ROOT)}
    out = tmp_path / "fit.json"
    done = subprocess.run(
        [sys.executable, "-m", "rumbo.cli", "estimate", "calibrate", "standard",
         "--data", SERIES, "--fit", "Labour Demand", "--json", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot be fitted" in lines[0]
    assert not out.exists()
    usage = subprocess.run(
        [sys.executable, "-m", "rumbo.cli", "estimate", "run", "standard"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert usage.returncode == 2
    assert usage.stderr.strip().splitlines() == [
        "rumbo estimate run: error: the following arguments are required: --csv (see --help)"
    ]


def test_bands_run_on_the_dask_scheduler_given_with_the_same_numbers(tmp_path: Path) -> None:
    dask_distributed = pytest.importorskip("dask.distributed")
    args = ["estimate", "bands", "standard", "--ranges", RANGES, "--members", "300",
            "--vars", "Unfilled Demand", "--seed", "2"]  # fmt: skip
    local, remote = tmp_path / "local.csv", tmp_path / "remote.csv"
    call_command(*args, "--csv", str(local))
    with dask_distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        call_command(*args, "--scheduler", cluster.scheduler_address, "--chunk-size", "100",
                     "--csv", str(remote))  # fmt: skip
        assert "run_chunk" in cluster.scheduler.task_prefixes  # the members ran there
    assert remote.read_text(encoding="utf-8") == local.read_text(encoding="utf-8")
