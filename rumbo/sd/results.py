"""Results as NumPy arrays, with pandas and xarray views on request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .expr import canonical_column


@dataclass
class Result:
    """Saved values: `times` (n,), and per column an array (n,) or, for an ensemble,
    (members, n)."""

    times: np.ndarray
    data: dict[str, np.ndarray]
    members: int | None = None
    first_member: int = 0
    _index: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._index = {canonical_column(name): name for name in self.data}

    @property
    def columns(self) -> list[str]:
        return list(self.data)

    def __getitem__(self, name: str) -> np.ndarray:
        key = self._index.get(canonical_column(name))
        if key is None:
            raise KeyError(name)
        return self.data[key]

    def member(self, i: int) -> Result:
        """One member of an ensemble, as a single run's result."""
        if self.members is None:
            raise ValueError("not an ensemble")
        return Result(self.times, {k: np.ascontiguousarray(v[i]) for k, v in self.data.items()})

    def to_pandas(self) -> Any:
        """A DataFrame indexed by time (an ensemble: by member and time)."""
        import pandas as pd

        if self.members is None:
            return pd.DataFrame(self.data, index=pd.Index(self.times, name="time"))
        index = pd.MultiIndex.from_product(
            [np.arange(self.first_member, self.first_member + self.members), self.times],
            names=["member", "time"],
        )
        return pd.DataFrame({k: v.reshape(-1) for k, v in self.data.items()}, index=index)

    def to_xarray(self) -> Any:
        """An xarray Dataset with dimensions (member,) time."""
        import xarray as xr

        if self.members is None:
            return xr.Dataset({k: ("time", v) for k, v in self.data.items()},
                              coords={"time": self.times})  # fmt: skip
        members = np.arange(self.first_member, self.first_member + self.members)
        return xr.Dataset(
            {k: (("member", "time"), v) for k, v in self.data.items()},
            coords={"member": members, "time": self.times},
        )
