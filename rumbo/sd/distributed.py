"""Ensembles split across a Dask cluster.

Each worker compiles the model once (from its XMILE text) and runs chunks of members; a
chunk numbers its members from its first one, so random functions draw exactly what a local
run draws and the gathered result equals :meth:`Model.ensemble` on one machine.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ModelError
from .model import Model, loads, member_count, parameter_arrays
from .results import Result


@lru_cache(maxsize=8)
def _compiled(digest: str, text: bytes) -> Model:
    del digest  # the cache key; the text is what compiles
    return loads(text)


def _run_chunk(
    digest: str, text: bytes, params: dict[str, Any], members: int, first: int,
    options: dict[str, Any],
) -> Result:  # fmt: skip
    return _compiled(digest, text).ensemble(params, members=members, first_member=first, **options)


def _text(model: str | Path | bytes) -> bytes:
    """The model's XMILE: a path to read, or the document itself (text or bytes)."""
    if isinstance(model, bytes):
        return model
    if isinstance(model, str) and model.lstrip().startswith("<"):
        return model.encode()
    try:
        return Path(model).read_bytes()
    except OSError as exc:
        raise ModelError(f"cannot read {model}: {exc.strerror}") from None


def ensemble(
    client: Any,
    model: str | Path | bytes,
    params: Mapping[str, Iterable[float] | float],
    *,
    members: int | None = None,
    chunk_size: int = 2000,
    **options: Any,
) -> Result:
    """Run an ensemble on `client` (a ``dask.distributed.Client``) in chunks of members.

    `model` is a path to an XMILE file or its text; `options` are those of
    :meth:`Model.ensemble` (method, variables, save_every, seed).
    """
    text = _text(model)
    digest = hashlib.sha256(text).hexdigest()
    arrays = parameter_arrays(params)
    members = member_count(arrays, members)
    if chunk_size < 1:
        raise ModelError("chunk_size must be at least 1")
    futures = []
    for first in range(0, members, chunk_size):
        count = min(chunk_size, members - first)
        chunk = {k: a[first : first + count] if a.ndim == 1 else a for k, a in arrays.items()}
        futures.append(
            client.submit(_run_chunk, digest, text, chunk, count, first, options, pure=False)
        )
    parts: list[Result] = client.gather(futures)
    data = {name: np.concatenate([p.data[name] for p in parts], axis=0) for name in parts[0].data}
    return Result(parts[0].times, data, members=members)
