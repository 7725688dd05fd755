#!/usr/bin/env python3
"""Independent derivation of the hand-checked cascade in tests/scenario/data/cascade_hand.yaml.

Written from the formulas (Uniswap v2 getAmountOut; Aave v3.3 close factor, bonus, protocol fee,
deficit), not from cascade's code. Each liquidation happens at the oracle price, and the oracle
(deviation 0.01 %, no delay) reads the AMM, so it equals the AMM price left by the previous sale.
Run it to print the numbers the C++ test asserts.
"""
fee, LT, LB, PF = 0.003, 0.80, 0.05, 0.10
x, y = 1000.0, 2_000_000.0          # ETH, USDC
p0 = y / x                           # 2000

def sell(dx):
    global x, y
    out = (1 - fee) * dx * y / (x + (1 - fee) * dx)
    x, y = x + dx, y - out
    return out

# (name, collateral USD at t=0, target HF) -> collateral ETH, debt USDC = value*LT/HF
book = {n: [v / p0, v * LT / hf] for n, v, hf in
        [("a", 200_000, 1.05), ("b", 200_000, 1.15), ("c", 200_000, 1.30), ("d", 400_000, 1.60)]}

sell(60.0)                            # the whale at t = 60 s
oracle = y / x
print(f"after the dump: AMM/oracle price {oracle:.6f}")
order, deficit = [], 0.0
while True:
    live = [(d / c, n) for n, (c, d) in book.items() if c > 0 and d > 0 and c * oracle * LT / d < 1]
    if not live:
        break
    _, n = max(live)
    c, d = book[n]
    hf = c * oracle * LT / d
    full = hf <= 0.95 or c * oracle < 2000 or d < 2000
    repay = d if full else 0.5 * d
    seized = repay / oracle * (1 + LB)
    if seized >= c:
        seized, repay = c, c * oracle / (1 + LB)
    fee_coll = (seized - seized / (1 + LB)) * PF
    c, d = c - seized, d - repay
    bad = d if c == 0 and d > 0 else 0.0
    if bad:
        deficit += bad
        d = 0.0
    book[n] = [c, d]
    sell(seized - fee_coll)
    order.append(n)
    print(f"liquidate {n}: HF {hf:.6f} at {oracle:.6f}, repay {repay:.6f}, seize {seized:.6f} ETH, "
          f"bad debt {bad:.6f} -> AMM {y / x:.6f}")
    oracle = y / x
print("order", "".join(order), f"final price {y / x:.6f}", f"deficit {deficit:.6f}")
print("remaining", {n: (round(c, 9), round(d, 6)) for n, (c, d) in book.items()})
