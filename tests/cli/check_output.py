#!/usr/bin/python3
"""Validates a file written by `cascade run` against the layout of analysis/README.md.

Usage: /usr/bin/python3 tests/cli/check_output.py FILE
Prints each failed check and exits 1; exits 0 when every check passes. Needs h5py, numpy, PyYAML
and the `h5dump` tool (hdf5-tools).
"""

import subprocess
import sys

import h5py
import numpy as np
import yaml

SUMMARY_REQUIRED = ["point_id", "replica", "run_index", "seed", "status", "initial_price",
                    "final_price", "min_price", "liquidated_value", "debt_repaid", "n_liquidations",
                    "bad_debt"]
EVENT_REQUIRED = ["run_index", "time_s", "protocol", "debt_repaid", "collateral_seized"]
AGGREGATE_REQUIRED = ["point_id", "n_runs", "n_failed", "bad_debt_mean", "bad_debt_sd",
                      "bad_debt_p50", "bad_debt_p95", "bad_debt_p99", "bad_debt_var95",
                      "bad_debt_var99", "bad_debt_es95", "bad_debt_es99", "prob_bad_debt",
                      "liquidated_value_mean", "liquidated_value_p95", "n_liquidations_mean",
                      "min_price_mean"]


class Checker:
    def __init__(self):
        self.failures = []
        self.passed = 0

    def check(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failures.append(what)
            print(f"FAIL: {what}")
        return bool(ok)


def text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return str(value)


def close(a, b, rtol=1e-9, atol=1e-9):
    return np.allclose(np.asarray(a, float), np.asarray(b, float), rtol=rtol, atol=atol,
                       equal_nan=True)


def check_root_and_experiment(c, f):
    c.check(int(f.attrs.get("format_version", -1)) == 1, "root attribute format_version == 1")
    if not c.check("experiment" in f, "/experiment exists"):
        return None
    g = f["experiment"]
    texts = {}
    for key in ("original_yaml", "normalized_yaml"):
        texts[key] = text(g[key][()]) if key in g else ""
        c.check(texts[key].strip() != "", f"/experiment/{key} is non-empty")
    for key in ("source_path", "cascade_version", "git_revision"):
        c.check(text(g.attrs.get(key, "")).strip() != "",
                f"/experiment attribute {key} is non-empty")
    for key in ("seed", "n_points", "replicas"):
        c.check(key in g.attrs, f"/experiment attribute {key} exists")
    try:
        doc = yaml.safe_load(texts["normalized_yaml"])
        c.check("experiment:" in texts["normalized_yaml"] and isinstance(doc, dict)
                and "experiment" in doc, "normalized_yaml parses as YAML with an 'experiment:' key")
    except yaml.YAMLError as e:
        c.check(False, f"normalized_yaml parses as YAML ({e})")
    if "n_points" in g.attrs and "replicas" in g.attrs:
        return int(g.attrs["n_points"]), int(g.attrs["replicas"])
    return None


def check_summary(c, f, shape):
    if not c.check("runs/summary" in f, "/runs/summary exists"):
        return None
    s = f["runs/summary"][()]
    names = s.dtype.names or ()
    missing = [n for n in SUMMARY_REQUIRED if n not in names]
    if not c.check(not missing,
                   f"/runs/summary has columns {SUMMARY_REQUIRED} (missing {missing})"):
        return None
    c.check("runs/errors" in f, "/runs/errors exists")
    n = len(s)
    if shape is not None:
        n_points, replicas = shape
        c.check(n == n_points * replicas, f"/runs/summary has n_points*replicas = "
                f"{n_points}*{replicas} rows (has {n})")
        idx = np.arange(n, dtype=np.uint64)
        c.check(np.array_equal(s["run_index"], idx), "run_index == arange(n_runs)")
        if replicas > 0:
            c.check(np.array_equal(s["replica"], idx % replicas), "replica == run_index % replicas")
            c.check(np.array_equal(s["point_id"], idx // replicas),
                    "point_id == run_index // replicas")
        if "sweep/points" in f:
            points = f["sweep/points"][()]
            c.check(len(points) == n_points
                    and np.array_equal(points["point_id"], np.arange(n_points)),
                    "/sweep/points has one row per point, point_id == arange(n_points)")
        else:
            c.check(False, "/sweep/points exists")
    c.check(np.all(s["status"] == 0), f"every run succeeded (status == 0); failed runs: "
            f"{s['run_index'][s['status'] != 0][:10].tolist()}")
    c.check(np.all(s["bad_debt"] >= 0), "bad_debt >= 0 in every run")
    slack = 1e-12 * np.maximum(np.abs(s["initial_price"]), np.abs(s["final_price"]))
    c.check(np.all(s["min_price"] <= s["initial_price"] + slack), "min_price <= initial_price")
    c.check(np.all(s["min_price"] <= s["final_price"] + slack), "min_price <= final_price")
    return s


def check_events(c, f, s):
    if not c.check("events/liquidations" in f, "/events/liquidations exists"):
        return
    ds = f["events/liquidations"]
    e = ds[()]
    names = e.dtype.names or ()
    missing = [n for n in EVENT_REQUIRED if n not in names]
    if not c.check(not missing,
                   f"/events/liquidations has columns {EVENT_REQUIRED} (missing {missing})"):
        return
    c.check(ds.maxshape == (None,), "/events/liquidations is extendible (unlimited)")
    protocols = [text(p) for p in ds.attrs.get("protocols", [])]
    c.check("protocols" in ds.attrs, "/events/liquidations has a 'protocols' attribute")
    if len(e):
        c.check(np.all(np.diff(e["run_index"].astype(np.int64)) >= 0),
                "events are stored in run-index order")
        c.check(int(e["protocol"].max()) < len(protocols),
                "event protocol indices < len(protocols)")
    if s is None:
        return
    n = len(s)
    run = e["run_index"].astype(np.int64)
    c.check(np.all((run >= 0) & (run < n)), "event run_index within [0, n_runs)")
    inside = run[(run >= 0) & (run < n)]
    counts = np.bincount(inside, minlength=n)[:n]
    repaid = np.bincount(inside, weights=e["debt_repaid"][(run >= 0) & (run < n)], minlength=n)[:n]
    bad = np.flatnonzero(counts != s["n_liquidations"])
    c.check(len(bad) == 0, f"n_liquidations == number of events of the run (differs in runs "
            f"{bad[:10].tolist()})")
    scale = np.maximum(1.0, np.abs(s["debt_repaid"]))
    bad = np.flatnonzero(np.abs(repaid - s["debt_repaid"]) > 1e-9 * scale)
    c.check(len(bad) == 0, f"debt_repaid == sum of the run's events' debt_repaid (differs in runs "
            f"{bad[:10].tolist()})")


def check_metrics(c, f, s, shape):
    """/runs/metrics: the final value of each component metric per run; /points/metrics: means."""
    if not c.check("runs/metrics" in f and "points/metrics" in f, "/runs/metrics and /points/metrics exist"):
        return
    m = f["runs/metrics"][()]
    names = list(m.dtype.names or ())
    listed = [text(x) for x in f["runs/metrics"].attrs.get("metrics", [])]
    c.check(names[:3] == ["run_index", "point_id", "replica"] and names[3:] == listed,
            "/runs/metrics columns are run_index, point_id, replica, then the 'metrics' attribute")
    # The default experiment's pool is called aave: its final liquidation count and deficit are
    # the run's, so they must agree with the summary row built from the liquidation events.
    if s is None or "aave.liquidations" not in names or "aave.bad_debt" not in names:
        c.check(False, "/runs/metrics has aave.liquidations and aave.bad_debt")
        return
    c.check(len(m) == len(s) and np.array_equal(m["run_index"], s["run_index"]), "/runs/metrics has one row per run")
    ok = s["status"] == 0
    c.check(np.array_equal(m["aave.liquidations"][ok], s["n_liquidations"][ok].astype(float)),
            "aave.liquidations at the horizon == n_liquidations of the run")
    c.check(np.allclose(m["aave.bad_debt"][ok], s["bad_debt"][ok], rtol=1e-12, atol=1e-9),
            "aave.bad_debt at the horizon == bad_debt of the run")
    p = f["points/metrics"][()]
    n_points, replicas = shape if shape else (len(p), len(s) // max(len(p), 1))
    c.check(len(p) == n_points, "/points/metrics has one row per point")
    for col in ("aave.bad_debt", "aave.liquidations"):
        for point in range(len(p)):
            sel = (m["point_id"] == point) & ok
            expect = float(np.mean(m[col][sel])) if sel.any() else np.nan
            if not c.check(close(p[col][point], expect, rtol=1e-12),
                           f"/points/metrics {col} of point {point} is the mean over its runs"):
                return


def type7(sorted_values, q):
    return float(np.quantile(sorted_values, q)) if len(sorted_values) else np.nan


def check_aggregates(c, f, s, shape):
    if not c.check("points/aggregates" in f, "/points/aggregates exists"):
        return
    a = f["points/aggregates"][()]
    names = a.dtype.names or ()
    missing = [n for n in AGGREGATE_REQUIRED if n not in names]
    if not c.check(not missing, f"/points/aggregates has columns (missing {missing})"):
        return
    if s is None or shape is None:
        return
    n_points, replicas = shape
    if not c.check(len(a) == n_points, f"/points/aggregates has {n_points} rows"):
        return
    # Recompute every statistic from /runs/summary (definitions in analysis/README.md).
    for p in range(n_points):
        rows = s[s["point_id"] == p]
        ok = rows[rows["status"] == 0]
        x = np.sort(ok["bad_debt"])
        expect = {"n_runs": len(rows), "n_failed": len(rows) - len(ok)}
        if len(x):
            var95, var99 = type7(x, 0.95), type7(x, 0.99)
            expect.update({
                "bad_debt_mean": x.mean(), "bad_debt_sd": x.std(ddof=1) if len(x) > 1 else 0.0,
                "bad_debt_p50": type7(x, 0.5), "bad_debt_p95": var95, "bad_debt_p99": var99,
                "bad_debt_var95": var95, "bad_debt_var99": var99,
                "bad_debt_es95": x[x >= var95].mean(), "bad_debt_es99": x[x >= var99].mean(),
                "prob_bad_debt": np.mean(x > 0),
                "liquidated_value_mean": ok["liquidated_value"].mean(),
                "liquidated_value_p95": type7(np.sort(ok["liquidated_value"]), 0.95),
                "n_liquidations_mean": ok["n_liquidations"].astype(float).mean(),
                "min_price_mean": ok["min_price"].mean(),
            })
        wrong = [k for k, v in expect.items() if not close(a[p][k], v, rtol=1e-9, atol=1e-9)]
        c.check(not wrong, f"/points/aggregates row {p} matches statistics recomputed from "
                f"/runs/summary (differs: {wrong})")


def check_protocol_insolvency(c, f, s, shape):
    """/points/protocol_insolvency[p, k] = fraction of point p's successful runs whose final
    '<protocol k>.bad_debt' (in /runs/metrics) is > 0."""
    if not c.check("points/protocol_insolvency" in f, "/points/protocol_insolvency exists"):
        return
    d = f["points/protocol_insolvency"]
    protocols = [text(x) for x in d.attrs["protocols"]]
    if s is None or shape is None or "runs/metrics" not in f:
        return
    m = f["runs/metrics"][()]
    c.check(d.shape == (shape[0], len(protocols)), "/points/protocol_insolvency is [n_points, n_protocols]")
    for p in range(shape[0]):
        ok = m[(m["point_id"] == p) & (s["status"] == 0)]
        expect = [np.mean(ok[f"{name}.bad_debt"] > 0) for name in protocols]
        c.check(close(d[p], expect), f"/points/protocol_insolvency row {p} matches /runs/metrics")


def check_timeseries(c, f, s):
    if not c.check("timeseries" in f, "/timeseries exists"):
        return
    g = f["timeseries"]
    if not (c.check("time" in g, "/timeseries/time exists")
            and c.check("run" in g, "/timeseries/run exists")):
        return
    time, run = g["time"][()], g["run"][()]
    c.check(len(time) > 0 and time[0] == 0 and np.all(np.diff(time) > 0),
            "/timeseries/time starts at 0 and increases strictly")
    c.check(text(g["time"].attrs.get("units", "")) == "s", "/timeseries/time has units = 's'")
    c.check(np.all(np.diff(run.astype(np.int64)) > 0), "/timeseries/run is strictly ascending")
    if s is not None:
        c.check(np.all(run < len(s)), "/timeseries/run holds valid run indices")
    metrics = [k for k in g if k not in ("time", "run")]
    c.check(len(metrics) > 0, "/timeseries has at least one metric")
    for m in metrics:
        ds = g[m]
        c.check(ds.shape == (len(run), len(time)),
                f"/timeseries/{m} has shape (len(run), len(time)) = "
                f"{(len(run), len(time))}, got {ds.shape}")
        try:
            ok = (len(ds.dims[0]) > 0 and ds.dims[0][0].name == "/timeseries/run"
                  and len(ds.dims[1]) > 0 and ds.dims[1][0].name == "/timeseries/time")
        except (KeyError, RuntimeError, ValueError):
            ok = False
        c.check(ok, f"/timeseries/{m} has dimension scales run (dim 0) and time (dim 1) attached")
        c.check(ds.dims[0].label == "run" and ds.dims[1].label == "time",
                f"/timeseries/{m} dimension labels are ('run', 'time')")
        c.check("unit" in ds.attrs, f"/timeseries/{m} has a 'unit' attribute")


def check_h5dump(c, path, summary_fields, event_fields):
    try:
        command = ["h5dump", "-H", "-d", "/runs/summary", "-d", "/events/liquidations", path]
        out = subprocess.run(command, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        c.check(False, f"h5dump runs ({e})")
        return
    if not c.check(out.returncode == 0, f"h5dump -H exits 0 (stderr: {out.stderr.strip()[:300]})"):
        return
    text_out = out.stdout
    for name, fields in (("/runs/summary", summary_fields), ("/events/liquidations", event_fields)):
        start = text_out.find(f'DATASET "{name}"')
        if not c.check(start >= 0, f"h5dump -H names {name}"):
            continue
        end = text_out.find("DATASET", start + 1)
        block = text_out[start:end if end > 0 else len(text_out)]
        c.check("H5T_COMPOUND" in block, f"h5dump shows {name} as a compound dataset")
        missing = [fld for fld in fields if f'"{fld}";' not in block]
        c.check(not missing, f"h5dump -H lists the fields of {name} (missing {missing})")


def check_heatmaps(c, f, s, shape):
    """/heatmaps/liquidation [point, time, bin]: the mean over a point's ok runs of the debt by
    liquidation-price ratio. The default experiment enables it (bins 50, every 1h, [0.5, 1))."""
    if not c.check("heatmaps/liquidation" in f, "/heatmaps/liquidation exists"):
        return
    h = f["heatmaps/liquidation"]
    time = f["heatmaps/time"][()]
    lower = f["heatmaps/bin_lower"][()]
    bins = int(h.attrs["bins"])
    low, high = float(h.attrs["low"]), float(h.attrs["high"])
    c.check(h.attrs["units"] == "numeraire", "/heatmaps/liquidation units = numeraire")
    if shape is not None:
        c.check(h.shape == (shape[0], len(time), bins), f"/heatmaps/liquidation shape {h.shape} = "
                f"(points {shape[0]}, samples {len(time)}, bins {bins})")
    c.check(len(time) > 0 and time[0] == 0.0 and np.all(np.diff(time) > 0), "/heatmaps/time starts at 0, ascending")
    c.check(np.allclose(lower, low + (high - low) * np.arange(bins) / bins), "/heatmaps/bin_lower = uniform edges")
    data = h[()]
    c.check(np.all(data[np.isfinite(data)] >= 0), "/heatmaps/liquidation cells are >= 0")
    if s is None or shape is None:
        return
    # At t = 0 a point's row sum is the mean debt of its positions with ratio >= low: more than
    # 0 (the default positions start at HF 1.05..3, ratio 0.33..0.95) and at most its mean
    # initial debt from /runs/summary (all positions).
    for p in range(shape[0]):
        ok = (s["point_id"] == p) & (s["status"] == 0)
        if not ok.any():
            continue
        debt0 = float(np.mean(s["initial_debt"][ok]))
        row0 = float(np.sum(data[p, 0]))
        c.check(0 < row0 <= debt0 * (1 + 1e-9), f"point {p}: heatmap t=0 row sum {row0} in (0, initial debt {debt0}]")


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    path = argv[1]
    c = Checker()
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        print(f"FAIL: cannot open {path} as HDF5: {e}")
        return 1
    with f:
        shape = check_root_and_experiment(c, f)
        s = check_summary(c, f, shape)
        check_events(c, f, s)
        check_aggregates(c, f, s, shape)
        check_protocol_insolvency(c, f, s, shape)
        check_metrics(c, f, s, shape)
        check_timeseries(c, f, s)
        check_heatmaps(c, f, s, shape)
        summary_fields = (list(f["runs/summary"].dtype.names) if "runs/summary" in f
                          else SUMMARY_REQUIRED)
        event_fields = (list(f["events/liquidations"].dtype.names) if "events/liquidations" in f
                        else EVENT_REQUIRED)
    check_h5dump(c, path, summary_fields, event_fields)
    if c.failures:
        print(f"{path}: {len(c.failures)} check(s) failed, {c.passed} passed")
        return 1
    print(f"{path}: all {c.passed} checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
