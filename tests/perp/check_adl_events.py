#!/usr/bin/python3
"""Checks /events/adl of a file written by `cascade run experiments/perp_adl_cascade.yaml`.

Usage: /usr/bin/python3 tests/perp/check_adl_events.py FILE
Per run: the number of /events/adl rows equals the run's `exchange.adl_count` final metric in
/runs/metrics, and the sum of positive `pnl` equals `exchange.adl_closed_profit`; every row lies
within the horizon, closes a positive size at a positive price, and names a valid exchange.
Prints each failed check and exits 1; exits 0 when every check passes. Needs h5py, numpy, PyYAML.
"""

import re
import sys

import h5py
import numpy as np
import yaml

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def seconds(text):
    m = re.fullmatch(r"\s*([0-9.eE+-]+)\s*([smhdw]?)\s*", str(text))
    if not m:
        raise ValueError(f"cannot read duration {text!r}")
    return float(m.group(1)) * UNITS[m.group(2) or "s"]


def main(path):
    failures = []

    def check(ok, what):
        if not ok:
            failures.append(what)
            print(f"FAIL: {what}")

    with h5py.File(path, "r") as f:
        spec = yaml.safe_load(f["/experiment/normalized_yaml"][()].decode("utf-8"))
        horizon = seconds(spec["experiment"]["horizon"])
        check("adl" in spec["outputs"]["events"], "normalized YAML keeps outputs.events: adl")
        if "/events/adl" not in f:
            print("FAIL: /events/adl missing")
            return 1
        ds = f["/events/adl"]
        rows = ds[()]
        protocols = [p.decode() if isinstance(p, bytes) else str(p) for p in ds.attrs["protocols"]]
        units = [u.decode() if isinstance(u, bytes) else str(u) for u in ds.attrs["units"]]
        columns = [u.decode() if isinstance(u, bytes) else str(u) for u in ds.attrs["columns"]]
        check(columns == list(rows.dtype.names), "columns attribute names every field in order")
        check(dict(zip(columns, units)).get("time_s") == "s", "time_s unit is s")
        metrics = f["/runs/metrics"][()]
        summary = f["/runs/summary"][()]
        total = 0
        for run in metrics:
            r = int(run["run_index"])
            status = int(summary[summary["run_index"] == r]["status"][0])
            check(status == 0, f"run {r} succeeded")
            mine = rows[rows["run_index"] == r]
            expected = run["exchange.adl_count"]
            check(len(mine) == expected, f"run {r}: {len(mine)} /events/adl rows == exchange.adl_count {expected}")
            profit = float(np.sum(np.maximum(mine["pnl"], 0.0)))
            check(np.isclose(profit, run["exchange.adl_closed_profit"], rtol=1e-9, atol=1e-6),
                  f"run {r}: sum of positive pnl {profit} == exchange.adl_closed_profit {run['exchange.adl_closed_profit']}")
            total += len(mine)
        check(total == len(rows), "every row belongs to a run of /runs/metrics")
        check(total > 0, "the ADL cascade deleverages someone")
        check(bool(np.all((rows["time_s"] >= 0) & (rows["time_s"] <= horizon))), f"every time_s in [0, {horizon}]")
        check(bool(np.all(rows["size"] > 0)), "every size > 0")
        check(bool(np.all(rows["price"] > 0)), "every price > 0")
        check(bool(np.all(np.isin(rows["side"], [-1, 1]))), "every side is +1 or -1")
        check(all(0 <= p < len(protocols) and protocols[p] == "exchange" for p in rows["protocol"]),
              "every protocol index names the exchange")
        check(bool(np.all(np.diff(rows["run_index"].astype(np.int64)) >= 0)), "rows in run order")
    if failures:
        return 1
    print(f"ok: {len(rows)} ADL rows checked")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
