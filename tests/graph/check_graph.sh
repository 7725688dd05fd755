#!/usr/bin/env bash
# `cascade graph` (text, --dot, --set, bad input) and the /network and /runs/nodes contents of a
# run, read back with h5py (expected values derived in test_creditor_cascade.cpp).
set -euo pipefail
cascade=$1; repo=$2
data="$repo/tests/graph/data/creditor_cascade.yaml"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$cascade" graph "$data" > "$tmp/graph.txt"
grep -q "13 nodes, 14 edges, 1 cycle class(es)" "$tmp/graph.txt" || { cat "$tmp/graph.txt"; fail "node/edge/cycle counts"; }
grep -q "cycle 0: amm, feed, pool, keeper" "$tmp/graph.txt" || fail "the liquidation loop is named"
grep -Eq "pool +-> +depositors +exposed_to +weight 1e\+07 +latency 120s" "$tmp/graph.txt" || fail "exposure edge"

"$cascade" graph "$data" --set network.shock_origin=whale --dot "$tmp/g.dot" > "$tmp/graph2.txt"
grep -Eq "^12 +fund +agent +creditor +[0-9]+ +5 " "$tmp/graph2.txt" || { cat "$tmp/graph2.txt"; fail "fund is 5 hops from the whale"; }
grep -q '"pool" -> "amm" \[label="liquidates_on"\]' "$tmp/g.dot" || fail "dot edge"
head -1 "$tmp/g.dot" | grep -q '^digraph "cascade_creditors" {$' || fail "dot header"
"$cascade" graph "$data" --dot - | grep -q '^digraph' || fail "--dot - prints Graphviz"

set +e
"$cascade" graph "$data" --set network.shock_origin=nobody > "$tmp/bad.txt" 2>&1; rc=$?
set -e
[ "$rc" -eq 2 ] || fail "bad shock_origin exits 2 (got $rc)"
grep -q "network.shock_origin: no component named 'nobody'" "$tmp/bad.txt" || { cat "$tmp/bad.txt"; fail "diagnostic"; }

"$cascade" run "$data" -o "$tmp/out.h5" --replicas 2 --threads 2 > "$tmp/run.txt"
grep -q "depth" "$tmp/run.txt" || { cat "$tmp/run.txt"; fail "cascade lines in the printed summary"; }
/usr/bin/python3 "$repo/tests/graph/check_network.py" "$tmp/out.h5"
