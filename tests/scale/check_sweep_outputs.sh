#!/usr/bin/env bash
# Sweep outputs: /sweep/points of a Sobol' sweep, common random numbers on and off, the output
# size limit, and progress log lines when stderr is not a terminal.
set -uo pipefail
cascade=$1; repo=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
yaml="$repo/tests/scale/small_sweep.yaml"
fail() { echo "FAIL: $*"; exit 1; }

# Size limit: refused before anything is written (exit 2), allowed with --force; validate says so.
"$cascade" run "$yaml" -q -o "$tmp/big.h5" --max-output-size 10KiB 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "over the limit of 10 KiB" "$tmp/err" || fail "size limit: exit $rc, $(cat "$tmp/err")"
[ -z "$(ls "$tmp")" ] || [ "$(ls "$tmp")" = err ] || fail "size limit left files: $(ls "$tmp")"
"$cascade" run "$yaml" -q -o "$tmp/big.h5" --max-output-size 10KiB --force || fail "--force"
"$cascade" validate "$yaml" --max-output-size 10KiB >"$tmp/v" 2>&1 || fail "validate"
grep -q "4 point(s) × 6 replicas = 24 runs" "$tmp/v" && grep -q "^output: about" "$tmp/v" && grep -q "would refuse" "$tmp/v" \
  || fail "validate output: $(cat "$tmp/v")"
"$cascade" run "$yaml" -q -o "$tmp/x.h5" --max-output-size 12parsecs 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "is not a size" "$tmp/err" || fail "bad size: exit $rc"

# Progress lines in a log (stderr is a file here).
"$cascade" run "$yaml" -q -o "$tmp/p.h5" --threads 1 --replicas 40 --log-interval 0.01 2>"$tmp/progress" || fail "progress run"
grep -Eq "^\[[0-9T:-]+Z\] [0-9]+/160 runs \([0-9.]+%\)  [0-9.]+ runs/s  ETA [0-9]+s$" "$tmp/progress" \
  || fail "no progress lines: $(head -3 "$tmp/progress")"

# CRN on (default) and off.
"$cascade" run "$yaml" -q -o "$tmp/crn.h5" --threads 2 || fail "crn run"
"$cascade" run "$yaml" -q -o "$tmp/nocrn.h5" --threads 2 --set experiment.common_random_numbers=false || fail "no-crn run"
/usr/bin/python3 - "$tmp/crn.h5" "$tmp/nocrn.h5" <<'PY' || fail "crn / sweep points"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    pts = f["sweep/points"][()]
    # One column per swept parameter (+ point_id); Sobol' points 0..3 in [0.02, 0.12] x log[5e-4, 1e-2]:
    # unit points (0,0), (.5,.5), (.75,.25), (.25,.75) -> bonus 0.02 + 0.1u, fee 5e-4 * 20^u.
    cols = [n for n in pts.dtype.names if n != "point_id"]
    print("sweep/points columns:", pts.dtype.names)
    bonus = [c for c in cols if "liquidation_bonus" in c]
    fee = [c for c in cols if "venues.amm.fee" in c]
    assert bonus and fee, pts.dtype.names
    def num(col):
        v = pts[col]
        return np.array([float(x.decode() if isinstance(x, bytes) else x) for x in v])
    assert np.allclose(num(bonus[0]), [0.02, 0.07, 0.095, 0.045], rtol=1e-14), num(bonus[0])
    assert np.allclose(num(fee[0]), 5e-4 * 20.0 ** np.array([0, 0.5, 0.25, 0.75]), rtol=1e-13), num(fee[0])
    # CRN: replica r's exogenous price path is the same at every point.
    runs = f["timeseries/run"][()]
    price = f["timeseries/eth_ref.price"][()]
    replicas = int(f["experiment"].attrs["replicas"])
    by = {int(r): price[i] for i, r in enumerate(runs)}
    for r in range(2):
        for p in range(1, 4):
            assert np.array_equal(by[r], by[p * replicas + r]), (r, p)
    assert not np.array_equal(by[0], by[1])
with h5py.File(sys.argv[2], "r") as f:
    runs = f["timeseries/run"][()]
    price = f["timeseries/eth_ref.price"][()]
    by = {int(r): price[i] for i, r in enumerate(runs)}
    assert not np.array_equal(by[0], by[6]), "without CRN the points must see different paths"
print("sweep points and CRN ok")
PY
echo "ok"
