#!/usr/bin/python3
"""Summarises the JSON output of ctnn's benchmark binaries as Markdown tables.

Benchmarks are named `<workload>/<impl>`. For every workload with a `ctnn`
run, one row per peer (`eigen`, `eigen_rowmajor`, `xsimd`, ...): median CPU
time of ctnn and of the peer, the ratio ctnn/peer (ctnn's time as a
fraction of the peer's: below 1, ctnn is faster) and its inverse peer/ctnn,
GFLOP/s and % of peak of each side (or Gelem/s for element-wise workloads
without a flop count), and the run-to-run spread (coefficient of variation)
of each side's time. Workloads named `<name>_noftz/...` are also compared
with `<name>/...` (the effect of flush-to-zero). Runs without a ctnn side
(`fma_peak`, `denormal_fma/...`) are listed after the table. Expects runs
with --benchmark_repetitions=N (N >= 2) so that medians exist; with a single
repetition the plain result is used instead.

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
    """run_name -> {aggregate name ('median', 'cv', ... or 'single'): entry}, in file order."""
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


def cpu_ns(entry):
    return to_ns(entry["cpu_time"], entry["time_unit"])


def rate(entry):
    """GFLOP/s and % peak, or Gelem/s when the workload has no flop count."""
    if "GFLOP/s" in entry:
        return f"{entry['GFLOP/s']:.1f}", f"{entry['pct_peak']:.0f}%"
    if "Gelem/s" in entry:
        return f"{entry['Gelem/s']:.2f} Gelem/s", "—"
    return "—", "—"


def split(name):
    workload, _, impl = name.rpartition("/")
    return workload, impl


def report(path):
    context, runs = load(path)
    print(f"### {path}")
    print()
    keys = ("date", "ctnn_commit", "compiler", "ctnn_ftz_daz", "ctnn_peak_gflops", "ctnn_simd_arch", "eigen_version", "load_avg")
    print(", ".join(f"{k}: {context[k]}" for k in keys if k in context))
    print()

    # workload -> [impl, ...] in the order the binary ran them
    impls = {}
    for name in runs:
        workload, impl = split(name)
        impls.setdefault(workload, []).append(impl)
    pairs = [(w, p) for w, names in impls.items() if "ctnn" in names for p in names if p != "ctnn"]
    only_eigen = all(p == "eigen" for _, p in pairs)
    peer = "eigen" if only_eigen else "peer"

    def cv(name):
        entry = runs[name].get("cv")
        return f"{100 * entry['cpu_time']:.1f}%" if entry else "-"

    if pairs:
        print(f"| workload | ctnn | {peer} | ctnn/{peer} | {peer}/ctnn | ctnn GFLOP/s | ctnn % peak | "
              f"{peer} GFLOP/s | {peer} % peak | cv ctnn / {peer} |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    ratios = []
    for workload, p in pairs:
        c, e = central(runs[workload + "/ctnn"]), central(runs[workload + "/" + p])
        if not c or not e:
            continue
        tc, te = cpu_ns(c), cpu_ns(e)
        if p == "eigen":
            ratios.append(te / tc)
        label = workload if only_eigen else f"{workload} vs {p}"
        (cg, cp), (eg, ep) = rate(c), rate(e)
        print(f"| {label} | {fmt_time(tc)} | {fmt_time(te)} | {tc / te:.2f} | {te / tc:.2f} | {cg} | {cp} | {eg} | {ep} | "
              f"{cv(workload + '/ctnn')} / {cv(workload + '/' + p)} |")
    if ratios:
        geo = 1.0
        for r in ratios:
            geo *= r
        geo **= 1.0 / len(ratios)
        print()
        print(f"geometric mean of eigen/ctnn over {len(ratios)} workloads: {geo:.2f}")

    ftz = []
    for workload, names in impls.items():
        base, sep, rest = workload.partition("_noftz/")
        if not sep or base + "/" + rest not in impls:
            continue
        for impl in names:
            on, off = runs.get(f"{base}/{rest}/{impl}"), runs.get(f"{workload}/{impl}")
            if on and off and central(on) and central(off):
                ftz.append(f"{impl} {fmt_time(cpu_ns(central(off)))} / {fmt_time(cpu_ns(central(on)))} = "
                           f"{cpu_ns(central(off)) / cpu_ns(central(on)):.2f}")
    if ftz:
        print()
        print("flush-to-zero effect (time with FTZ/DAZ off / on): " + "; ".join(ftz))

    others = [name for name in runs if "ctnn" not in impls[split(name)[0]]]
    if others:
        print()
        for name in others:
            entry = central(runs[name])
            if not entry:
                continue
            extra = ""
            if "GFLOP/s" in entry:
                extra = (f": {entry['GFLOP/s']:.1f} GFLOP/s = {entry['pct_peak']:.0f}% of the peak "
                         f"{context.get('ctnn_peak_gflops', '?')} GFLOP/s")
            elif "Gelem/s" in entry:
                extra = f": {entry['Gelem/s']:.2f} Gelem/s"
            print(f"- `{name}`: {fmt_time(cpu_ns(entry))}{extra} (cv {cv(name)})")
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
