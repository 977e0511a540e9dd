"""Print the simulations behind issue 16's choices (seeded; numbers, never assertions).

    .venv/bin/python benchmarks/simulate_edges.py [tiny|arms|matched|slo|warmup ...]

- tiny: A/A "faster"/"slower" rate of compare() on tiny runs (median and mean).
- arms: A/A rate and power (true +8 %, 3 % run-to-run noise) of the arm test chosen
  (pooled t on log run medians) against Welch's t on the raw run medians.
- matched: matched A/A rate and mean z at 1k/10k/100k requests per run, fixed 10 cells
  against the cells that grow with n plus the within-cell adjustment.
- slo: exact minimum coverage of the attainment intervals and their difference.
- warmup: how often a 1.2x slower first tenth is flagged, and false alarms on steady runs.
"""

from __future__ import annotations

import sys

import numpy as np
from scipy import stats as sps

from tpot_widget import compare, stats
from tpot_widget.stats import slo as slo_module


def tiny() -> None:
    rng = np.random.default_rng(1)
    for statistic in ("median", "mean"):
        for n in (2, 3, 5, 10, 30, 41):
            sims = 400
            called = 0
            for s in range(sims):
                a, b = 0.02 * rng.lognormal(0, 0.3, n), 0.02 * rng.lognormal(0, 0.3, n)
                d = compare(a, b, statistic=statistic, n_resamples=999, random_state=s)
                called += d.differences[0].verdict in ("faster", "slower")
            print(f"tiny  {statistic:6} n={n:3}: A/A called different {called / sims:.3f}")


def _run_medians(rng: np.random.Generator, sims: int, k: int, scale: float) -> np.ndarray:
    within = 1.2533 * 0.3 / np.sqrt(1000)
    noise = rng.normal(0, 0.03, (sims, k)) + rng.normal(0, within, (sims, k))
    return 0.025 * scale * np.exp(noise)


def _welch_p(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    va, vb = a.var(1, ddof=1) / a.shape[1], b.var(1, ddof=1) / b.shape[1]
    df = (va + vb) ** 2 / (va**2 / (a.shape[1] - 1) + vb**2 / (b.shape[1] - 1))
    return 2 * sps.t.sf(np.abs(b.mean(1) - a.mean(1)) / np.sqrt(va + vb), df)


def _pooled_log_p(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    la, lb = np.log(a), np.log(b)
    ka, kb = a.shape[1], b.shape[1]
    sp2 = ((ka - 1) * la.var(1, ddof=1) + (kb - 1) * lb.var(1, ddof=1)) / (ka + kb - 2)
    t = (lb.mean(1) - la.mean(1)) / np.sqrt(sp2 * (1 / ka + 1 / kb))
    return 2 * sps.t.sf(np.abs(t), ka + kb - 2)


def arms() -> None:
    rng = np.random.default_rng(8)
    sims = 4000
    print("arms  runs | A/A log-pooled  raw-Welch | power(+8%) log-pooled  raw-Welch")
    for k in (2, 3, 5, 10):
        a0, b0 = _run_medians(rng, sims, k, 1.0), _run_medians(rng, sims, k, 1.0)
        a1, b1 = _run_medians(rng, sims, k, 1.0), _run_medians(rng, sims, k, 1.08)
        print(
            f"arms  {k:4} | {np.mean(_pooled_log_p(a0, b0) < 0.05):.3f}          "
            f"{np.mean(_welch_p(a0, b0) < 0.05):.3f}     | "
            f"{np.mean(_pooled_log_p(a1, b1) < 0.05):.3f}                 "
            f"{np.mean(_welch_p(a1, b1) < 0.05):.3f}"
        )


def matched() -> None:
    rules = {"fixed 10 cells": {"n_bins": 10, "adjust": False}, "chosen": {}}
    for n, sims in ((1_000, 300), (10_000, 100), (100_000, 30)):
        for shape in ("linear", "quadratic"):
            out = []
            for label, options in rules.items():
                rng = np.random.default_rng(n)
                hits, zs = 0, []
                for _ in range(sims):
                    xa = np.clip(np.round(rng.exponential(200, n)), 1, 8000)
                    xb = np.clip(np.round(rng.exponential(400, n)), 1, 8000)
                    rise = (
                        (lambda x: 1 + x / 500)
                        if shape == "linear"
                        else (lambda x: 1 + (x / 500) ** 2)
                    )
                    a = 0.02 * rise(xa) * rng.lognormal(0, 0.25, n)
                    b = 0.02 * rise(xb) * rng.lognormal(0, 0.25, n)
                    d = stats.matched_difference(
                        a, xa, b, xb, n_resamples=199, random_state=rng, **options
                    )
                    hits += not (d.ci_low <= 0 <= d.ci_high)
                    zs.append(d.estimate / ((d.ci_high - d.ci_low) / 3.919928))
                out.append(f"{label}: A/A {hits / sims:.3f}, mean z {np.mean(zs):+.2f}")
            print(f"matched n={n:>7} {shape:9} | " + " | ".join(out))


def slo() -> None:
    ps = np.unique(np.concatenate([np.linspace(0.5, 0.99, 50), np.linspace(0.99, 0.999, 10)]))
    for label, bounds in (
        ("wilson", lambda m, n: slo_module._wilson_bounds(m, n, slo_module._z(0.95))),
        ("clopper-pearson", lambda m, n: slo_module._clopper_pearson_bounds(m, n, 0.95)),
    ):
        worst = (1.0, 0, 0.0)
        for n in range(20, 501):
            met = np.arange(n + 1)
            lo, hi = bounds(met, n)
            pmf = sps.binom.pmf(met[None, :], n, ps[:, None])
            cover = (((lo[None, :] <= ps[:, None]) & (ps[:, None] <= hi[None, :])) * pmf).sum(1)
            if cover.min() < worst[0]:
                worst = (float(cover.min()), n, float(ps[cover.argmin()]))
        print(f"slo   {label:15}: min coverage {worst[0]:.4f} at n={worst[1]}, p={worst[2]:.4f}")


def warmup() -> None:
    rng = np.random.default_rng(0)
    for n in (300, 1000, 3000, 10_000):
        for sigma in (0.2, 0.5):
            sims, flagged, alarms = 300, 0, 0
            for _ in range(sims):
                t = np.sort(rng.uniform(0, 120, n))
                v = 0.02 * rng.lognormal(0, sigma, n)
                flagged += stats.detect_warm_up(t, np.where(t < 12, 1.2 * v, v)) is not None
                alarms += stats.detect_warm_up(t, v) is not None
            print(
                f"warmup n={n:6} sigma={sigma}: 1.2x first tenth flagged {flagged / sims:.3f}, "
                f"steady runs flagged {alarms / sims:.3f}"
            )


if __name__ == "__main__":
    parts = {"tiny": tiny, "arms": arms, "matched": matched, "slo": slo, "warmup": warmup}
    for name in sys.argv[1:] or list(parts):
        parts[name]()
