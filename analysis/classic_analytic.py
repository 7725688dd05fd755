#!/usr/bin/python3
"""Analytic results of the classic contagion models next to cascade's simulations.

    /usr/bin/python3 analysis/classic_analytic.py gai_kapadia results/gai_kapadia.h5
    /usr/bin/python3 analysis/classic_analytic.py caccioli results/caccioli_overlapping_portfolios.h5
    /usr/bin/python3 analysis/classic_analytic.py eisenberg_noe [results/eisenberg_noe.h5 [results/rogers_veraart.h5]]

Reads only the HDF5 files (h5py + numpy); every formula is written out below and in
experiments/classic/README.md.
"""
import math
import sys
from fractions import Fraction
from itertools import product

import h5py
import numpy as np


def poisson(z, j):
    return math.exp(-z + j * math.log(z) - math.lgamma(j + 1)) if z > 0 else float(j == 0)


def point_table(path):
    """(points, runs): the sweep points and the per-run metrics of a cascade output file."""
    with h5py.File(path, "r") as f:
        points = f["/sweep/points"][()]
        runs = f["/runs/metrics"][()]
    return points, runs


def column(points, suffix):
    name = next(n for n in points.dtype.names if n.endswith(suffix))
    values = points[name]
    return [v.decode() if isinstance(v, bytes) else v for v in values]


# ---------------------------------------------------------------- Gai & Kapadia (2010)
def gk_thresholds(rule, share=0.20, capital=0.04, recovery=0.0, jmax=200):
    """m_j: defaulted debtors that make a bank with j debtors default (each costs (1-R)·share/j)."""
    loss = (1.0 - recovery) * share
    m = [0] * (jmax + 1)
    for j in range(1, jmax + 1):
        # exceed: m·loss/j > K  ⇔ m > K·j/loss; reach: m ≥ K·j/loss (ties decided exactly in rationals)
        ratio = Fraction(capital).limit_denominator(10**6) * j / Fraction(loss).limit_denominator(10**6)
        m[j] = math.floor(ratio) + 1 if rule == "losses_exceed_capital" else max(1, math.ceil(ratio))
    return m


def gk_analytic(z, rule, n=1000):
    """Window, frequency and extent on a directed ER graph (in- and out-degree Poisson(z)).

    A bank is vulnerable when one defaulted debtor is enough (m_j = 1). Contagion spreads from a
    debtor to its creditors; a creditor reached along a link has a size-biased in-degree j
    (probability j p_j / z), is vulnerable with v_j, and passes on along Poisson(z) out-links.
    - Cascade condition (Gai & Kapadia, after Watts 2002): Σ_j j v_j p_j > 1.
    - Probability of a global cascade from one random default: 1 − exp(z(u − 1)), where u (the
      chance that a link does not lead into the giant vulnerable cluster) solves
      u = 1 − a + a·exp(z(u − 1)), a = Σ_j j p_j v_j / z.
    - Extent, first order (the giant vulnerable cluster): y = Σ_j p_j v_j (1 − (1 − y)^j).
    - Extent with multiple hits (tree approximation, Gleeson & Cahalane 2007): iterate
      y ← Σ_j p_j P(Binomial(j, y) ≥ m_j) from one seed (y = 1/N), and, for the extent given
      contagion, from y = 5% (the contagion threshold: where a cascade that got that far ends).
    """
    jmax = int(z + 12 * math.sqrt(z) + 30)  # Poisson(z) mass beyond this is negligible
    m = gk_thresholds(rule, jmax=jmax)
    p = [poisson(z, j) for j in range(jmax + 1)]
    v = [1.0 if j >= 1 and m[j] == 1 else 0.0 for j in range(jmax + 1)]
    branching = sum(j * v[j] * p[j] for j in range(jmax + 1))
    a = branching / z if z > 0 else 0.0
    u = 0.0
    for _ in range(5000):
        u, before = 1.0 - a + a * math.exp(z * (u - 1.0)), u
        if abs(u - before) < 1e-13:
            break
    frequency = 1.0 - math.exp(z * (u - 1.0)) if branching > 1.0 else 0.0
    y = 1.0
    for _ in range(5000):
        y, before = sum(p[j] * v[j] * (1.0 - (1.0 - y) ** j) for j in range(jmax + 1)), y
        if abs(y - before) < 1e-13:
            break
    giant = y if branching > 1.0 else 0.0
    y = 1.0 / n
    for _ in range(2000):
        y, before = max(sum(p[j] * binom_tail(j, y, m[j]) for j in range(1, jmax + 1)), 1.0 / n), y
        if abs(y - before) < 1e-13:
            break
    seeded = y
    y = 0.05
    for _ in range(2000):
        y, before = sum(p[j] * binom_tail(j, y, m[j]) for j in range(1, jmax + 1)), y
        if abs(y - before) < 1e-13:
            break
    return branching, frequency, giant, seeded, max(0.0, y)


def binom_tail(j, y, m):
    if m > j:
        return 0.0
    return 1.0 - sum(math.comb(j, i) * y**i * (1 - y) ** (j - i) for i in range(m))


def gai_kapadia(path):
    points, runs = point_table(path)
    zs = column(points, "mean_degree")
    rules = column(points, "default_rule") if any(n.endswith("default_rule") for n in points.dtype.names) else ["losses_exceed_capital"] * len(zs)
    print("Gai-Kapadia: simulation (cascade) vs analytic (generating functions), N = 1000, K = 4%, A_IB = 20%")
    print(f"{'rule':<22} {'z':>5} {'Σ j v_j p_j':>11} {'freq sim':>9} {'freq GF':>8} {'extent sim':>10} {'giant vuln':>10} {'tree 1/N':>9} {'tree 5%':>8}")
    for pid, (z, rule) in enumerate(zip(zs, rules)):
        sel = runs[runs["point_id"] == pid]
        freq = float(np.mean(sel["banks.contagion"]))
        ext = sel["banks.extent_given_contagion"]
        ext = float(np.nanmean(ext)) if np.any(np.isfinite(ext)) else float("nan")
        b, f_an, giant, tree, tree5 = gk_analytic(float(z), rule)
        print(f"{rule:<22} {z:>5g} {b:>11.3f} {freq:>9.3f} {f_an:>8.3f} {ext:>10.3f} {giant:>10.3f} {tree:>9.3f} {tree5:>8.3f}")


# ---------------------------------------------------------------- Caccioli et al. (2014)
def caccioli_branching(mu, leverage, alpha=1.0536, nmax=400):
    """Mean number of new failures caused by one failure (N = M, Poisson degrees, mean mu).

    A failed bank reached through one asset sells its other assets (k − 1 ~ Poisson(mu) of them);
    each asset reached has ν − 1 ~ Poisson(mu) other holders and drops by 1 − exp(−α/ν) when one of
    ν (similar) holders liquidates; a holder of k' (size-biased: 1 + Poisson(mu)) equal-weight
    assets loses (1 − exp(−α/ν))/k' of a portfolio worth 1 and fails if that reaches its equity
    1/λ, i.e. if k' ≤ λ(1 − exp(−α/ν)). Contagion can spread globally when this ratio exceeds 1.
    """
    total = 0.0
    for other in range(nmax):
        p_other = poisson(mu, other)
        if p_other < 1e-16 and other > mu:
            break
        nu = other + 1
        kmax = math.floor(leverage * (1.0 - math.exp(-alpha / nu)) + 1e-12)
        p_vuln = sum(poisson(mu, k - 1) for k in range(1, kmax + 1))
        total += p_other * other * p_vuln
    return mu * total


def caccioli(path):
    points, runs = point_table(path)
    lev = column(points, "leverage")
    div = column(points, "diversification")
    print("Caccioli et al.: simulation vs the branching ratio of failures (> 1: contagion can spread)")
    print(f"{'leverage':>8} {'mu_b':>6} {'branching':>9} {'freq sim':>9} {'extent sim':>10}")
    for pid, (l, mu) in enumerate(zip(lev, div)):
        sel = runs[runs["point_id"] == pid]
        ext = sel["banks.extent_given_contagion"]
        ext = float(np.nanmean(ext)) if np.any(np.isfinite(ext)) else float("nan")
        print(f"{l:>8g} {mu:>6g} {caccioli_branching(float(mu), float(l)):>9.3f} {np.mean(sel['banks.contagion']):>9.3f} {ext:>10.3f}")


# ---------------------------------------------------------------- Eisenberg & Noe / Rogers & Veraart
def three_banks(x, alpha=Fraction(1), beta=Fraction(1)):
    """Greatest clearing vector of the three-bank example, exactly: try every default set D, solve
    the linear system on D in rationals, keep the consistent solutions, return the greatest."""
    e = [Fraction(1, 2), Fraction(5, 8), Fraction(3, 4)]
    ext = [Fraction(3, 2), Fraction(1, 2), Fraction(1, 2)]
    L = [[0, 1 - x, x], [x, 0, 1 - x], [1 - x, x, 0]]
    pbar = [sum(L[i]) + ext[i] for i in range(3)]
    pi = [[Fraction(L[i][j]) / pbar[i] for j in range(3)] for i in range(3)]
    best = None
    for D in product([0, 1], repeat=3):
        idx = [i for i in range(3) if D[i]]
        A = [[Fraction(int(r == c)) - beta * pi[idx[c]][idx[r]] for c in range(len(idx))] for r in range(len(idx))]
        b = [alpha * e[i] + beta * sum(pi[j][i] * pbar[j] for j in range(3) if not D[j]) for i in idx]
        sol = solve(A, b)
        if sol is None:
            continue
        p = list(pbar)
        for r, i in enumerate(idx):
            p[i] = sol[r]
        value = [e[i] + sum(pi[j][i] * p[j] for j in range(3)) for i in range(3)]
        if all((value[i] < pbar[i]) == bool(D[i]) and p[i] >= 0 for i in range(3)):
            if best is None or all(p[i] >= best[i] for i in range(3)):
                best = p
    return best, pbar


def solve(A, b):
    n = len(b)
    M = [row[:] + [b[r]] for r, row in enumerate(A)]
    for c in range(n):
        piv = next((r for r in range(c, n) if M[r][c] != 0), None)
        if piv is None:
            return None
        M[c], M[piv] = M[piv], M[c]
        for r in range(n):
            if r != c and M[r][c] != 0:
                f = M[r][c] / M[c][c]
                M[r] = [a - f * m for a, m in zip(M[r], M[c])]
    return [M[r][n] / M[r][r] for r in range(n)]


def eisenberg_noe(paths):
    xs = [Fraction(0), Fraction(1, 4), Fraction(1, 2), Fraction(3, 4), Fraction(1)]
    for label, (alpha, beta), path in [("Eisenberg-Noe", (Fraction(1), Fraction(1)), paths[0] if paths else None),
                                       ("Rogers-Veraart a=1/2 b=7/10", (Fraction(1, 2), Fraction(7, 10)), paths[1] if len(paths) > 1 else None)]:
        sim = None
        if path:
            _, runs = point_table(path)
            sim = [float(runs[runs["point_id"] == k]["banks.shortfall"][0]) for k in range(len(xs))]
        print(label)
        for k, x in enumerate(xs):
            p, pbar = three_banks(x, alpha, beta)
            shortfall = sum(pbar) - sum(p)
            line = f"  x = {str(x):>4}: p = ({', '.join(str(v) for v in p)}), shortfall {float(shortfall):.12f}"
            if sim is not None:
                line += f", simulated {sim[k]:.12f}"
            print(line)


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("gai_kapadia", "caccioli", "eisenberg_noe"):
        print(__doc__)
        sys.exit(2)
    if sys.argv[1] == "gai_kapadia":
        gai_kapadia(sys.argv[2])
    elif sys.argv[1] == "caccioli":
        caccioli(sys.argv[2])
    else:
        eisenberg_noe(sys.argv[2:])
