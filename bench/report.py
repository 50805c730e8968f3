#!/usr/bin/python3
"""Summarises ctnn_bench_kernels' JSON output as a Markdown table.

One row per workload: median CPU time of ctnn and of Eigen, the ratio
eigen/ctnn (above 1: ctnn is faster), GFLOP/s and % of peak of each, and the
run-to-run spread (coefficient of variation) of each side's time. Expects a
run with --benchmark_repetitions=N (N >= 2) so that medians exist; with a
single repetition the plain result is used instead.

Usage: bench/report.py kernels.json [more.json ...]   (stdlib only)
"""

import json
import sys


def fmt_time(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.1f} ns"


def to_ns(value, unit):
    return value * {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[unit]


def load(path):
    """run_name -> {aggregate name ('median', 'cv', ... or 'single'): entry}."""
    with open(path) as f:
        doc = json.load(f)
    runs = {}
    for b in doc["benchmarks"]:
        if b.get("error_occurred"):
            continue
        agg = b.get("aggregate_name", "single") if b.get("run_type") == "aggregate" else "single"
        runs.setdefault(b.get("run_name", b["name"]), {})[agg] = b
    return doc["context"], runs


def central(entry):
    return entry.get("median") or entry.get("single")


def report(path):
    context, runs = load(path)
    print(f"### {path}")
    print()
    keys = ("date", "ctnn_commit", "compiler", "ctnn_ftz_daz", "ctnn_peak_gflops", "ctnn_simd_arch", "eigen_version", "load_avg")
    print(", ".join(f"{k}: {context[k]}" for k in keys if k in context))
    print()
    print("| workload | ctnn | eigen | eigen/ctnn | ctnn GFLOP/s | ctnn % peak | eigen GFLOP/s | eigen % peak | cv ctnn / eigen |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    ratios = []
    for name in runs:
        if not name.endswith("/ctnn"):
            continue
        workload = name[: -len("/ctnn")]
        c, e = central(runs[name]), central(runs.get(workload + "/eigen", {}))
        if not c or not e:
            continue
        tc, te = to_ns(c["cpu_time"], c["time_unit"]), to_ns(e["cpu_time"], e["time_unit"])
        ratios.append(te / tc)

        def cv(side):
            entry = runs[workload + side].get("cv")
            return f"{100 * entry['cpu_time']:.1f}%" if entry else "-"

        print(
            f"| {workload} | {fmt_time(tc)} | {fmt_time(te)} | {te / tc:.2f} | "
            f"{c['GFLOP/s']:.1f} | {c['pct_peak']:.0f}% | {e['GFLOP/s']:.1f} | {e['pct_peak']:.0f}% | "
            f"{cv('/ctnn')} / {cv('/eigen')} |"
        )
    if ratios:
        geo = 1.0
        for r in ratios:
            geo *= r
        geo **= 1.0 / len(ratios)
        print()
        print(f"geometric mean of eigen/ctnn over {len(ratios)} workloads: {geo:.2f}")
    peak = central(runs.get("fma_peak", {}))
    if peak:
        print(
            f"measured FMA ceiling (fma_peak): {peak['GFLOP/s']:.1f} GFLOP/s = {peak['pct_peak']:.0f}% of the "
            f"assumed peak {context.get('ctnn_peak_gflops', '?')} GFLOP/s"
        )
    print()


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    for path in argv[1:]:
        report(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
