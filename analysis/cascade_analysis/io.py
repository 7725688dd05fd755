"""Readers for cascade output files (layout and units: ``analysis/README.md``).

Every function takes a path or an already open :class:`h5py.File`; tables come back as pandas
DataFrames with byte strings decoded to ``str``.

Example::

    from cascade_analysis import io
    print(io.metrics("results/default.h5"))
    runs, times, values = io.timeseries("results/default.h5", "eth_ref.price")
    long = io.timeseries_frame("results/default.h5", "eth_ref.price")
"""

from __future__ import annotations

import contextlib
import os
import re
from typing import Iterator, Union

import h5py
import numpy as np
import pandas as pd

#: The layout version this module reads (root attribute ``format_version``).
FORMAT_VERSION = 1

#: Names inside ``/timeseries`` that are dimension scales, not metrics.
SCALE_NAMES = ("time", "run")

PathOrFile = Union[str, os.PathLike, h5py.File]


def open(path) -> h5py.File:  # noqa: A001 - the module is used as ``io.open``
    """Opens a cascade output file read-only and checks its ``format_version``.

    Raises ``ValueError`` for a file of another layout version.
    """
    f = h5py.File(path, "r")
    version = f.attrs.get("format_version")
    if version is None or int(version) != FORMAT_VERSION:
        f.close()
        raise ValueError(f"{path}: format_version {version!r}, this reader knows {FORMAT_VERSION}")
    return f


@contextlib.contextmanager
def _opened(source: PathOrFile) -> Iterator[h5py.File]:
    if isinstance(source, (h5py.File, h5py.Group)):
        yield source
    else:
        f = open(source)
        try:
            yield f
        finally:
            f.close()


def _text(value) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray) and value.shape == ():
        return _text(value[()])
    return str(value)


def _decode_frame(array: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(array) if array.size else pd.DataFrame(
        {name: np.empty(0, dtype=array.dtype[name]) for name in array.dtype.names})
    for column in frame.columns:
        kind = array.dtype[column].kind
        if kind == "S":
            frame[column] = frame[column].str.decode("utf-8")
        elif kind == "O" and len(frame):
            frame[column] = [_text(v) for v in frame[column]]
    return frame


def _table(source: PathOrFile, name: str) -> pd.DataFrame:
    with _opened(source) as f:
        if name not in f:
            raise KeyError(f"{f.filename}: no dataset {name}")
        return _decode_frame(f[name][()])


def summary(source: PathOrFile, with_parameters: bool = False) -> pd.DataFrame:
    """``/runs/summary``: one row per run, row index == ``run_index``.

    With ``with_parameters`` the swept parameters of each run's point are joined as columns.
    """
    frame = _table(source, "/runs/summary")
    if with_parameters:
        points = sweep_points(source)
        frame = frame.merge(points, on="point_id", how="left", sort=False)
    return frame


def errors(source: PathOrFile) -> pd.DataFrame:
    """``/runs/errors``: ``run_index`` and ``message`` of every failed run."""
    return _table(source, "/runs/errors")


def _event_table(source: PathOrFile, path: str, empty_columns: list) -> pd.DataFrame:
    """An ``/events`` table plus a ``protocol_name`` column (empty frame when it is absent)."""
    with _opened(source) as f:
        if path not in f:
            return pd.DataFrame(columns=empty_columns)
        ds = f[path]
        frame = _decode_frame(ds[()])
        names = [_text(n) for n in ds.attrs.get("protocols", [])]
        lookup = np.array(names + ["?"], dtype=object)
        index = frame["protocol"].to_numpy(dtype=np.int64) if len(frame) else np.empty(0, np.int64)
        frame["protocol_name"] = lookup[np.clip(index, 0, len(names))] if len(names) else "?"
        return frame


def liquidations(source: PathOrFile) -> pd.DataFrame:
    """``/events/liquidations``: one row per liquidation, plus a ``protocol_name`` column.

    Returns an empty frame when the experiment did not record liquidation events.
    """
    return _event_table(source, "/events/liquidations", ["run_index", "time_s", "protocol", "debt_repaid"])


def adl_events(source: PathOrFile) -> pd.DataFrame:
    """``/events/adl``: one row per auto-deleveraging close, plus a ``protocol_name`` column.

    Returns an empty frame when the experiment did not list ``adl`` in ``outputs.events``.
    """
    return _event_table(source, "/events/adl", ["run_index", "time_s", "protocol", "market", "account", "side",
                                                 "size", "price", "pnl", "score", "loss_covered"])


def heatmap(source: PathOrFile) -> tuple:
    """``/heatmaps``: ``(debt, time_s, bin_lower)`` as numpy arrays, ``debt`` float64
    [point, time, bin] in numeraire (mean over each point's completed runs). Returns ``None`` when
    the experiment did not set ``outputs.heatmaps``.
    """
    with _opened(source) as f:
        if "heatmaps/liquidation" not in f:
            return None
        return (f["heatmaps/liquidation"][()], f["heatmaps/time"][()], f["heatmaps/bin_lower"][()])


def nodes(source: PathOrFile) -> pd.DataFrame:
    """``/runs/nodes``: one row per (run, dependency-graph node), plus a ``name`` column."""
    with _opened(source) as f:
        if "/runs/nodes" not in f:
            return pd.DataFrame(columns=["run_index", "node", "name", "hops", "impacted", "insolvent"])
        ds = f["/runs/nodes"]
        frame = _decode_frame(ds[()])
        names = np.array([_text(n) for n in ds.attrs.get("nodes", [])], dtype=object)
        frame["name"] = names[frame["node"].to_numpy(dtype=np.int64)] if len(frame) else []
        return frame


def network(source: PathOrFile) -> dict:
    """``/network``: ``{"nodes", "edges", "cycles"}`` DataFrames (edges gain from_name/to_name)."""
    with _opened(source) as f:
        out = {key: _decode_frame(f["/network/" + key][()]) for key in ("nodes", "edges", "cycles")}
    names = out["nodes"]["name"].to_numpy(dtype=object)
    if len(out["edges"]):
        out["edges"]["from_name"] = names[out["edges"]["from"].to_numpy(dtype=np.int64)]
        out["edges"]["to_name"] = names[out["edges"]["to"].to_numpy(dtype=np.int64)]
    return out


def aggregates(source: PathOrFile) -> pd.DataFrame:
    """``/points/aggregates``: one row per sweep point (statistics of bad debt etc.)."""
    return _table(source, "/points/aggregates")


def sweep_points(source: PathOrFile) -> pd.DataFrame:
    """``/sweep/points``: ``point_id`` and one column per swept parameter."""
    return _table(source, "/sweep/points")


def experiment(source: PathOrFile) -> dict:
    """Texts and attributes of ``/experiment`` and the root, plus the experiment ``name``.

    Keys: original_yaml, normalized_yaml, source_path, cascade_version, git_revision, seed,
    n_points, replicas, format_version, created_utc, name.
    """
    with _opened(source) as f:
        g = f["/experiment"]
        info = {key: _text(g[key][()]) for key in ("original_yaml", "normalized_yaml") if key in g}
        for key, value in g.attrs.items():
            info[key] = _text(value) if isinstance(value, (str, bytes)) else value.item()
        info["format_version"] = int(f.attrs["format_version"])
        info["created_utc"] = _text(f.attrs.get("created_utc", ""))
        info["name"] = experiment_name(info)
        return info


def experiment_name(info: dict) -> str:
    """The ``experiment.name`` of the normalised YAML, else the source file's stem."""
    text = info.get("normalized_yaml") or info.get("original_yaml") or ""
    try:
        import yaml  # optional

        doc = yaml.safe_load(text)
        name = doc.get("experiment", {}).get("name") if isinstance(doc, dict) else None
        if name:
            return str(name)
    except Exception:  # noqa: BLE001 - no PyYAML, or a YAML oddity: fall back to a regex
        match = re.search(r"^experiment:\s*\n(?:[ \t]+.*\n)*?[ \t]+name:\s*(\S.*)$", text, re.M)
        if match:
            return match.group(1).strip().strip("'\"")
    source = info.get("source_path") or "experiment"
    return re.sub(r"\.ya?ml$", "", source.rsplit("/", 1)[-1])


def metrics(source: PathOrFile) -> list:
    """Names of the recorded metrics, in the order the experiment declares them.

    (The ``metrics`` attribute of ``/timeseries``; HDF5 itself lists datasets alphabetically.)
    """
    with _opened(source) as f:
        if "/timeseries" not in f:
            return []
        group = f["/timeseries"]
        if "metrics" in group.attrs:
            return [_text(m) for m in group.attrs["metrics"]]
        return sorted(k for k in group
                      if k not in SCALE_NAMES and isinstance(group[k], h5py.Dataset))


def timeseries(source: PathOrFile, metric: str):
    """One metric as ``(runs, times, values)``.

    ``runs`` (uint64, the run indices), ``times`` (float64 seconds) and ``values`` (float64,
    shape ``[len(runs), len(times)]``; NaN for a recorded run that failed).
    """
    with _opened(source) as f:
        ds = f["/timeseries"][metric]
        runs = ds.dims[0][0][()] if len(ds.dims[0]) else f["/timeseries/run"][()]
        times = ds.dims[1][0][()] if len(ds.dims[1]) else f["/timeseries/time"][()]
        return np.asarray(runs), np.asarray(times), ds[()]


def timeseries_frame(source: PathOrFile, metric: str) -> pd.DataFrame:
    """One metric in long form: columns ``run_index``, ``time_s``, ``value`` (row per sample)."""
    runs, times, values = timeseries(source, metric)
    return pd.DataFrame({
        "run_index": np.repeat(runs, len(times)),
        "time_s": np.tile(times, len(runs)),
        "value": values.reshape(-1),
    })


def unit(source: PathOrFile, metric: str) -> str:
    """The ``unit`` attribute of a metric ("" if none)."""
    with _opened(source) as f:
        return _text(f["/timeseries"][metric].attrs.get("unit", ""))


def timeseries_xarray(source: PathOrFile, metric: str):
    """One metric as an ``xarray.DataArray`` with dims ("run", "time"); needs xarray."""
    import xarray as xr

    runs, times, values = timeseries(source, metric)
    return xr.DataArray(values, dims=("run", "time"), coords={"run": runs, "time": times},
                        name=metric, attrs={"unit": unit(source, metric)})
