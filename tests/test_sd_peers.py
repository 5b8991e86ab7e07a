"""Our engine against PySD and pysimlin on every model of the shared suite that each runs.

Where a peer runs a model, our results agree with it within 1e-6 (relative) on every
variable both report, or the peer is the one that misses the canonical output there while we
match it. PySD only integrates with Euler, so it is compared with our Euler run.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from benchmarks.sd_peers import PySDModel, SimlinModel
from rumbo import sd
from rumbo.sd import conformance as C

RTOL = 1e-6
FLOOR = 1e-12  # values this close count as equal (zero against a round-off residue)


def worst_difference(
    ours: dict[str, np.ndarray], theirs: dict[str, np.ndarray]
) -> tuple[float, str, int]:
    by_name = {C.normalise(k): v for k, v in theirs.items()}
    worst, where, compared = 0.0, "", 0
    for name, values in ours.items():
        other = by_name.get(C.normalise(name))
        if other is None or len(other) != len(values):
            continue
        compared += 1
        gap = np.abs(values - other)
        scale = np.maximum(np.abs(values), np.abs(other))
        rel = np.where(gap <= FLOOR, 0.0, gap / np.where(scale == 0, 1.0, scale))
        rel = np.where(np.isnan(values) & np.isnan(other), 0.0, rel)
        if float(np.nanmax(rel, initial=0.0)) > worst:
            worst, where = float(np.nanmax(rel)), name
    return worst, where, compared


def matches_canonical(case: C.Case, times: np.ndarray, data: dict[str, np.ndarray]) -> bool:
    expected_times, expected = C.load_expected(case.expected)
    return not C.compare(expected_times, expected, times, data)


@pytest.mark.parametrize("peer", [PySDModel, SimlinModel], ids=["pysd", "pysimlin"])
def test_agreement_with_peer(peer: type[PySDModel] | type[SimlinModel]) -> None:
    warnings.simplefilter("ignore")
    agreed, peer_wrong, disagreements = 0, [], []
    for case in C.discover():
        try:
            model = sd.load(case.model)
        except sd.ModelError:
            continue
        try:
            times, theirs = peer.load(case.model).run()
        except Exception:  # a peer that cannot run a model is not compared
            continue
        ours = model.run(method="euler" if peer is PySDModel else None)
        worst, where, compared = worst_difference(ours.data, theirs)
        if compared and worst <= RTOL:
            agreed += 1
        elif matches_canonical(case, ours.times, ours.data) and not matches_canonical(
            case, times, theirs
        ):
            peer_wrong.append(case.name)
        else:
            disagreements.append(f"{case.name}: {where} differs by {worst:.2e}")
    print(
        f"\n{peer.__name__}: agree on {agreed} models; the peer misses the canonical output "
        f"where we differ on {len(peer_wrong)}: {', '.join(peer_wrong) or 'none'}"
    )
    assert disagreements == []
    assert agreed >= 30
