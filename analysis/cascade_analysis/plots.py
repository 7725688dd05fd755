"""Standard figures of a cascade output file.

Example::

    from cascade_analysis.plots import plot_experiment
    plot_experiment("results/default.h5", "results/default.png")
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # files only; no display needed

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from . import io  # noqa: E402

HOUR = 3600.0


def _no_data(ax, what: str) -> None:
    ax.text(0.5, 0.5, f"no data\n({what})", ha="center", va="center", transform=ax.transAxes,
            color="0.4")
    ax.set_xticks([])
    ax.set_yticks([])


def plot_prices(ax, f) -> None:
    """Every ``*.price`` series of the first recorded run, against time in hours."""
    names = [m for m in io.metrics(f) if m.endswith(".price")]
    run_scale = f["/timeseries/run"][()] if "/timeseries/run" in f else np.empty(0)
    first = f" (run {run_scale[0]})" if len(run_scale) else ""
    ax.set_title("Prices, first recorded run" + first)
    if not names or len(run_scale) == 0:
        _no_data(ax, "no recorded *.price series")
        return
    for name in names:
        _, times, values = io.timeseries(f, name)
        ax.plot(times / HOUR, values[0], label=name, lw=1.2)
    units = {io.unit(f, n) for n in names}
    ax.set_xlabel("time [h]")
    ax.set_ylabel("price" + (f" [{units.pop()}]" if len(units) == 1 else ""))
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)


def plot_liquidation_volume(ax, f, bin_s: float = 600.0) -> None:
    """Debt repaid by liquidations per time bin, summed within a run and averaged over runs."""
    ax.set_title(f"Liquidation volume per {bin_s / 60:g} min, mean over runs")
    events = io.liquidations(f)
    runs = io.summary(f)
    n_runs = int((runs["status"] == 0).sum()) if len(runs) else 0
    if len(events) == 0 or n_runs == 0:
        _no_data(ax, "no liquidation events")
        return
    horizon = float(events["time_s"].max())
    if "/timeseries/time" in f and len(f["/timeseries/time"]):
        horizon = max(horizon, float(f["/timeseries/time"][-1]))
    edges = np.arange(0.0, horizon + bin_s, bin_s)
    if len(edges) < 2:
        edges = np.array([0.0, bin_s])
    volume, _ = np.histogram(events["time_s"], bins=edges, weights=events["debt_repaid"])
    ax.bar(edges[:-1] / HOUR, volume / n_runs, width=bin_s / HOUR, align="edge", color="tab:red")
    ax.set_xlabel("time [h]")
    ax.set_ylabel("debt repaid per run")
    ax.grid(alpha=0.3)


def plot_bad_debt(ax, f) -> None:
    """Histogram of bad debt across successful runs, with its mean and VaR95 marked."""
    ax.set_title("Bad debt across runs")
    runs = io.summary(f)
    bad = runs.loc[runs["status"] == 0, "bad_debt"].to_numpy() if len(runs) else np.empty(0)
    if len(bad) == 0:
        _no_data(ax, "no successful runs")
        return
    mean = float(bad.mean())
    var95 = float(np.quantile(bad, 0.95))  # type 7, as in /points/aggregates
    ax.hist(bad, bins=min(50, max(10, len(bad) // 5)), color="tab:blue", alpha=0.75)
    ax.axvline(mean, color="k", ls="--", label=f"mean {mean:,.4g}")
    ax.axvline(var95, color="tab:red", ls="-", label=f"VaR95 {var95:,.4g}")
    if not np.any(bad > 0):
        ax.text(0.5, 0.9, "no run booked bad debt", ha="center", transform=ax.transAxes,
                bbox={"fc": "white", "ec": "none"})
    ax.set_xlabel("bad debt [USD]")
    ax.set_ylabel("runs")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)


def plot_experiment(path, out_png, bin_s: float = 600.0, dpi: int = 120):
    """Three panels: prices of the first recorded run, liquidation volume over time, bad debt.

    A panel whose data the file lacks says "no data". Returns the output path.
    """
    with io.open(path) as f:
        info = io.experiment(f)
        fig, axes = plt.subplots(3, 1, figsize=(9, 11), constrained_layout=True)
        plot_prices(axes[0], f)
        plot_liquidation_volume(axes[1], f, bin_s)
        plot_bad_debt(axes[2], f)
        runs = f["/runs/summary"].shape[0]
        fig.suptitle(f"{info['name']}: {info.get('n_points', '?')} point(s) x "
                     f"{info.get('replicas', '?')} replicas = {runs} runs", fontsize="large")
        fig.savefig(out_png, dpi=dpi)
        plt.close(fig)
    return out_png
