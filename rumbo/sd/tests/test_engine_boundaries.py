"""The engine's edges: no Django, ensembles on a Dask cluster equal to local ones, the pandas and
xarray views, and parameters it must refuse."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rumbo import sd
from rumbo.sd import distributed

from .xmile_text import aux, document, flow, stock

NOISY = document(
    [
        stock("S", "100", inflows=["growth"]),
        flow("growth", "S * NORMAL(rate, 0.05)"),
        aux("rate", "0.02"),
        aux("shock", "POISSON(2) + EXPRND(1)"),
    ],
    stop=10,
    dt=0.5,
)


def test_engine_imports_no_django() -> None:
    code = (
        "import sys\n"
        "import rumbo.sd, rumbo.sd.cli, rumbo.sd.distributed\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('django', 'rest_framework', 'drf_spectacular')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert done.stdout.strip() == "[]"


# -- Dask ----------------------------------------------------------------------------------------


class InlineClient:
    """What `distributed.ensemble` needs of a Dask client, run at once in this process."""

    def __init__(self) -> None:
        self.chunks: list[tuple[int, int]] = []

    def submit(self, fn: Callable[..., Any], *args: Any, pure: bool = True) -> Any:
        del pure
        self.chunks.append((args[4], args[3]))  # (first member, members)
        return fn(*args)

    def gather(self, futures: list[Any]) -> list[Any]:
        return futures


def test_chunks_cover_every_member_once_and_give_the_local_arrays() -> None:
    rates = np.linspace(0, 0.05, 25)
    client = InlineClient()
    result = distributed.ensemble(client, NOISY.encode(), {"rate": rates}, chunk_size=7, seed=4)
    assert client.chunks == [(0, 7), (7, 7), (14, 7), (21, 4)]
    local = sd.loads(NOISY).ensemble({"rate": rates}, seed=4)
    assert result.members == 25
    assert result.columns == local.columns
    for name in local.columns:
        assert np.array_equal(result[name], local[name]), name


def test_dask_cluster_ensemble_equals_the_local_one(tmp_path: Path) -> None:
    dask_distributed = pytest.importorskip("dask.distributed")
    path = tmp_path / "noisy.xmile"
    path.write_text(NOISY)
    rates = np.linspace(0, 0.05, 1000)
    with (
        dask_distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        dask_distributed.Client(cluster) as client,
    ):
        remote = distributed.ensemble(client, path, {"rate": rates}, chunk_size=300, seed=9)
        again = distributed.ensemble(client, str(path), {"rate": rates}, chunk_size=450, seed=9)
    local = sd.load(path).ensemble({"rate": rates}, seed=9)
    assert remote.members == again.members == 1000
    assert remote.times.tolist() == local.times.tolist()
    for name in ("S", "growth", "shock", "rate"):
        assert remote[name].shape == (1000, 21)
        assert np.array_equal(remote[name], local[name]), name
        assert np.array_equal(again[name], local[name]), name


def test_dask_ensemble_from_the_models_text() -> None:
    result = distributed.ensemble(InlineClient(), NOISY, {"rate": [0.01, 0.02]}, chunk_size=1)
    assert np.array_equal(result["S"], sd.loads(NOISY).ensemble({"rate": [0.01, 0.02]})["S"])


# -- pandas and xarray views ---------------------------------------------------------------------

ARRAYED = document(
    [
        stock("S", "10", inflows=["in"]),
        flow("in", "k"),
        aux("k", "1"),
        aux("a", "k * 2", dims=["D"]),
        aux("half", "S / 2"),
    ],
    stop=2,
    dt=0.5,
    dimensions={"D": ["x", "y"]},
)


def test_pandas_view_of_a_run() -> None:
    pd = pytest.importorskip("pandas")
    frame = sd.loads(ARRAYED).run().to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert frame.shape == (5, 6)
    assert frame.index.name == "time"
    assert frame.index.tolist() == [0, 0.5, 1, 1.5, 2]
    assert frame.columns.tolist() == ["S", "in", "k", "a[x]", "a[y]", "half"]
    assert frame["S"].tolist() == [10, 10.5, 11, 11.5, 12]


def test_pandas_view_of_an_ensemble_chunk() -> None:
    frame = sd.loads(ARRAYED).ensemble({"k": [1, 2, 3]}, first_member=10).to_pandas()
    assert frame.shape == (15, 6)
    assert list(frame.index.names) == ["member", "time"]
    assert sorted(set(frame.index.get_level_values("member"))) == [10, 11, 12]
    assert frame.loc[(12, 2.0), "S"] == 16
    assert frame.loc[(11, 0.5), "a[y]"] == 4


def test_xarray_view() -> None:
    xr = pytest.importorskip("xarray")
    m = sd.loads(ARRAYED)
    single = m.run().to_xarray()
    assert isinstance(single, xr.Dataset)
    assert dict(single.sizes) == {"time": 5}
    assert single["S"].sel(time=1.0).item() == 11
    many = m.ensemble({"k": [1, 2, 3]}, first_member=10).to_xarray()
    assert dict(many.sizes) == {"member": 3, "time": 5}
    assert many["S"].dims == ("member", "time")
    assert many["member"].values.tolist() == [10, 11, 12]
    assert set(many.data_vars) == {"S", "in", "k", "a[x]", "a[y]", "half"}
    assert many["S"].sel(member=12, time=2.0).item() == 16


# -- parameters the engine refuses ---------------------------------------------------------------


@pytest.fixture
def arrayed() -> sd.Model:
    return sd.loads(ARRAYED)


def test_parameter_array_of_the_wrong_length(arrayed: sd.Model) -> None:
    with pytest.raises(sd.ModelError, match=r"3 members, but 'k' has 2"):
        arrayed.ensemble({"k": [1, 2]}, members=3)
    with pytest.raises(sd.ModelError, match=r"'k' must be one value or one value per member"):
        arrayed.ensemble({"k": np.array([[1, 2]])}, members=2)
    with pytest.raises(sd.ModelError, match=r"say how many members"):
        arrayed.ensemble({"k": 2})


def test_unknown_or_computed_parameter(arrayed: sd.Model) -> None:
    with pytest.raises(sd.ModelError, match=r"no variable called 'growth' in the model"):
        arrayed.run({"growth": 1})
    with pytest.raises(sd.ModelError, match=r"no variable called 'growth' in the model"):
        arrayed.ensemble({"growth": [1, 2]})
    with pytest.raises(sd.ModelError, match=r"^half: 'half' is computed from other variables"):
        arrayed.run({"half": 1})
    with pytest.raises(sd.ModelError, match=r"'half' is computed from other variables"):
        arrayed.ensemble({"half": [1, 2]})
    with pytest.raises(sd.ModelError, match=r"no variable called 'nope'"):
        arrayed.run(variables=["nope"])


def test_parameters_are_constants_and_initial_values(arrayed: sd.Model) -> None:
    # Whatever does not change in time can be set, a constant expression ("in" = k) too.
    assert arrayed.parameters() == ["S", "in", "k", "a[x]", "a[y]"]
    assert arrayed.run({"S": 0, "k": 2})["S"].tolist() == [0, 1, 2, 3, 4]
    assert arrayed.run({"in": 4})["S"].tolist() == [10, 12, 14, 16, 18]


def test_parameter_arrays_of_different_lengths(arrayed: sd.Model) -> None:
    with pytest.raises(sd.ModelError, match=r"'S'.*'k'|'k'.*'S'"):
        arrayed.ensemble({"k": [1, 2], "S": [1, 2, 3]})


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.run({"k": [1, 2]}),
        lambda m: m.run({"k": "fast"}),
        lambda m: m.ensemble({"k": ["fast", "slow"]}),
    ],
    ids=["run list", "run text", "ensemble text"],
)
def test_parameter_that_is_not_a_number(
    arrayed: sd.Model, call: Callable[[sd.Model], object]
) -> None:
    with pytest.raises(sd.ModelError, match=r"'k'"):
        call(arrayed)


def test_chunked_ensemble_gives_the_same_numbers(arrayed: sd.Model) -> None:
    values = np.linspace(0.5, 2.0, 7)
    whole = arrayed.ensemble({"k": values})
    for size in (1, 3, 7, 100):
        chunked = arrayed.ensemble({"k": values}, chunk_size=size)
        for name in whole.columns:
            np.testing.assert_array_equal(chunked[name], whole[name])
