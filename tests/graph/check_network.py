"""Checks /network and /runs/nodes of tests/graph/data/creditor_cascade.yaml run with 2 replicas.
Expected values are derived by hand in tests/graph/test_creditor_cascade.cpp."""
import math
import sys

import h5py

f = h5py.File(sys.argv[1], "r")
problems = []


def check(ok, what):
    if not ok:
        problems.append(what)


def s(x):
    return x.decode() if isinstance(x, bytes) else x


net = f["network"]
nodes = net["nodes"][()]
names = [s(n) for n in nodes["name"]]
check(names == ["ETH", "USDC", "amm", "feed", "pool", "a", "b", "c", "d", "keeper", "whale", "depositors", "fund"],
      f"/network/nodes names: {names}")
idx = {n: i for i, n in enumerate(names)}
check(s(nodes["kind"][idx["pool"]]) == "protocol" and s(nodes["type"][idx["pool"]]) == "lending_pool", "pool kind/type")
check(net.attrs["acyclic"] == 0 and net.attrs["n_cycles"] == 1, "one cycle, not acyclic")
cycles = net["cycles"][()]
check(sorted(s(n) for n in cycles["name"]) == ["amm", "feed", "keeper", "pool"], f"cycle members {cycles}")
# Betweenness: every shortest path from the whale or the loop to the borrowers, the keeper and the
# creditors leaves through pool, so pool is the most central node.
bc = nodes["betweenness"]
check(max(range(len(bc)), key=lambda i: bc[i]) == idx["pool"], f"pool has the highest betweenness {bc}")
edges = net["edges"][()]
check(len(edges) == 14, f"14 edges, got {len(edges)}")
exposures = [(names[e["from"]], names[e["to"]], e["weight"], e["latency_s"]) for e in edges if s(e["kind"]) == "exposed_to"]
check(exposures == [("pool", "depositors", 1e7, 120.0), ("depositors", "fund", 50.0, 30.0)], f"exposures {exposures}")

rows = f["runs/nodes"][()]
check([s(n) for n in f["runs/nodes"].attrs["nodes"]] == names, "/runs/nodes names attribute")
check(len(rows) == 2 * len(names), f"one row per (run, node): {len(rows)}")
expected_hops = {"whale": 0, "amm": 1, "feed": 2, "pool": 3, "depositors": 4, "fund": 5}
expected_insolvent = {"pool": 60.0, "depositors": 180.0, "fund": 210.0}
for r in rows:
    name = names[r["node"]]
    if name in expected_hops:
        check(r["hops"] == expected_hops[name], f"run {r['run_index']} {name} hops {r['hops']}")
        check(r["impacted"] == 1, f"{name} impacted")
    if name in expected_insolvent:
        check(r["insolvent"] == 1 and abs(r["insolvent_s"] - expected_insolvent[name]) < 1e-9,
              f"{name} insolvent at {r['insolvent_s']}")
    elif name not in expected_insolvent:
        check(r["insolvent"] == 0 and math.isnan(r["insolvent_s"]), f"{name} solvent")

summary = f["runs/summary"][()]
for col in ("cascade_depth", "cascade_size", "insolvent_nodes", "time_to_first_insolvency", "shock_origin"):
    check(col in summary.dtype.names, f"/runs/summary has {col}")
check(all(summary["cascade_depth"] == 5) and all(summary["cascade_size"] == 6), "depth 5, size 6")
check(all(summary["insolvent_nodes"] == 3) and all(summary["time_to_first_insolvency"] == 60.0), "3 insolvent from 60 s")

if problems:
    print("FAIL:\n  " + "\n  ".join(problems))
    sys.exit(1)
print("ok: /network and /runs/nodes")
