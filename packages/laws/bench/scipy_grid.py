"""Reference timing: the same 4,500-start Hoffmann grid with scipy's L-BFGS-B and an analytic gradient.

Run by bench/run.ts when python3 with numpy and scipy is available, so that both timings come from the same
machine at the same time. Prints one JSON object.
"""
import json
import sys
import time

import numpy as np
from scipy.optimize import minimize

path = sys.argv[1]
ftol = float(sys.argv[2]) if len(sys.argv) > 2 else 2.220446049250313e-09
gtol = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-05
# Every `stride`-th start only (1 = the full grid), for a quicker estimate on a busy machine.
stride = int(sys.argv[4]) if len(sys.argv) > 4 else 1
data = np.genfromtxt(path, delimiter=",", names=True, dtype=None, encoding="utf-8", comments=None)
N = data["Model_Size"].astype(float)
C = data["Training_FLOP"].astype(float)
L = data["loss"].astype(float)
keep = np.argsort(-L)[5:]
N, C, L = N[keep], C[keep], L[keep]
D = C / (6 * N)
lnN, lnD, lnL = np.log(N), np.log(D), np.log(L)
delta = 1e-3


def fg(x):
    a, b, e, al, be = x
    t = np.stack([a - al * lnN, b - be * lnD, np.full_like(lnN, e)])
    m = t.max(axis=0)
    ex = np.exp(t - m)
    s = ex.sum(axis=0)
    r = m + np.log(s) - lnL
    ar = np.abs(r)
    f = np.where(ar <= delta, 0.5 * r * r, delta * (ar - 0.5 * delta)).sum()
    psi = np.clip(r, -delta, delta)
    p = ex / s * psi
    g = np.array([p[0].sum(), p[1].sum(), p[2].sum(), -(p[0] * lnN).sum(), -(p[1] * lnD).sum()])
    return f, g


grid = [
    (a, b, e, al, be)
    for al in (0, 0.5, 1, 1.5, 2)
    for be in (0, 0.5, 1, 1.5, 2)
    for e in (-1, -0.5, 0, 0.5, 1)
    for a in (0, 5, 10, 15, 20, 25)
    for b in (0, 5, 10, 15, 20, 25)
][::stride]
t0 = time.perf_counter()
c0 = time.process_time()
best = None
for x0 in grid:
    res = minimize(fg, np.array(x0, float), jac=True, method="L-BFGS-B", options={"ftol": ftol, "gtol": gtol})
    if best is None or res.fun < best.fun:
        best = res
elapsed = time.perf_counter() - t0
cpu = time.process_time() - c0
a, b, e, al, be = best.x
print(json.dumps({"seconds": elapsed, "cpu_seconds": cpu, "objective": float(best.fun), "E": float(np.exp(e)), "alpha": float(al), "beta": float(be), "ftol": ftol, "gtol": gtol, "starts": len(grid)}))
