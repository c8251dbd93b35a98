#!/usr/bin/env python3
"""Draws W1 throughput against batch size for Tidemark, the floor and the peer (docs/benchmarks.png).

Usage: plot_batch_sizes.py OUT.png B=RUN.json [B=RUN.json ...]
Each RUN.json is a `tidemark-bench --workloads W1 --batch B --json RUN.json` output; the point is the median
records/s over its rounds. Needs matplotlib (pip install matplotlib).
"""
import json
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def rates(path):
    """Median W1 records/s per (shape, system) in one run file."""
    by_key = {}
    for outcome in json.load(open(path)):
        for m in outcome["measurements"]:
            if m["workload"] == "W1" and m["seconds"] > 0:
                by_key.setdefault((outcome["shape"], outcome["system"]), []).append(m["records"] / m["seconds"])
    return {key: statistics.median(values) for key, values in by_key.items()}


def main():
    out, runs = sys.argv[1], [arg.split("=", 1) for arg in sys.argv[2:]]
    points = sorted((int(batch), rates(path)) for batch, path in runs)
    keys = sorted({key for _, found in points for key in found})
    figure, axes = plt.subplots(figsize=(7, 4.2), dpi=120)
    for shape, system in keys:
        xs = [batch for batch, found in points if (shape, system) in found]
        ys = [found[(shape, system)] for _, found in points if (shape, system) in found]
        axes.plot(xs, ys, marker="o", label=f"{system} ({shape})")
    axes.set_xscale("log")
    axes.set_xlabel("records per batch (one transaction, one checkpoint)")
    axes.set_ylabel("records/s (median)")
    axes.set_title("W1 backfill, durable: throughput against batch size")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(out)


if __name__ == "__main__":
    main()
