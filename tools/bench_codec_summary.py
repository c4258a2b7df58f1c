#!/usr/bin/env python3
"""Summarizes codec_bench's JSON output as ratios of ours against each reference.

Benchmarks are named family/implementation/case (e.g. "unmask/beast/1MiB"). For every
family and case this prints our throughput, each reference's, and ours/reference (above 1:
ours is faster), then checks the project's performance floors against Boost.Beast.
With repetitions, the median of the repetitions is used.

Usage: bench_codec_summary.py RESULTS.json [--fail-on-miss]
"""
import json
import statistics
import sys
from collections import defaultdict

# (family, case, minimum ours/beast ratio, what the floor says)
FLOORS = [
    ("unmask", "1MiB", 1.5, "unmask 1 MiB >= 1.5x Beast"),
    ("unmask", "16B", 1.0, "unmask 16 B no slower than Beast"),
    ("utf8", "ascii_1MiB", 2.0, "UTF-8 ASCII 1 MiB >= 2x Beast"),
    ("utf8", "mixed_1MiB", 5.0, "UTF-8 mixed 1 MiB >= 5x Beast"),
    ("utf8", "short_16B", 1.0, "UTF-8 16 B messages no slower than Beast"),
    ("utf8", "short_64B", 1.0, "UTF-8 64 B messages no slower than Beast"),
    ("utf8", "short_200B", 1.0, "UTF-8 200 B messages no slower than Beast"),
    ("small_frames", "16B", 5.0, "16 B masked frames >= 5x Beast's read path"),
]

# Which counter a family is judged by, and how to print it.
UNITS = {
    "unmask": ("bytes_per_second", 1e9, "GB/s"),
    "utf8": ("bytes_per_second", 1e9, "GB/s"),
    "small_frames": ("items_per_second", 1e6, "Mframes/s"),
}


def load(path):
    with open(path) as f:
        data = json.load(f)
    samples = defaultdict(list)  # (family, impl, case) -> [rate]
    order = []
    for b in data["benchmarks"]:
        if b.get("run_type", "iteration") != "iteration" or b.get("error_occurred"):
            continue
        family, impl, case = b["run_name"].split("/", 2)
        counter = UNITS.get(family, ("bytes_per_second",))[0]
        if counter not in b:
            continue
        key = (family, impl, case)
        if key not in samples:
            order.append(key)
        samples[key].append(b[counter])
    rates = {k: statistics.median(v) for k, v in samples.items()}
    return rates, order


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    rates, order = load(argv[1])
    fail_on_miss = "--fail-on-miss" in argv[2:]

    families = defaultdict(lambda: {"cases": [], "refs": []})
    for family, impl, case in order:
        f = families[family]
        if case not in f["cases"]:
            f["cases"].append(case)
        if impl != "ours" and impl not in f["refs"]:
            f["refs"].append(impl)

    for family, f in families.items():
        _, scale, unit = UNITS.get(family, ("", 1e9, "GB/s"))
        header = f"{'case':<12} {'ours':>10}"
        for ref in f["refs"]:
            header += f" {ref:>10} {'x' + ref:>10}"
        print(f"\n{family} ({unit}; xREF = ours / REF, above 1 means ours is faster)")
        print(header)
        print("-" * len(header))
        for case in f["cases"]:
            ours = rates.get((family, "ours", case))
            line = f"{case:<12} {fmt(ours, scale):>10}"
            for ref in f["refs"]:
                r = rates.get((family, ref, case))
                ratio = f"{ours / r:.2f}x" if ours and r else "-"
                line += f" {fmt(r, scale):>10} {ratio:>10}"
            print(line)

    print("\nFloors (ours / Beast)")
    missed = 0
    for family, case, floor, text in FLOORS:
        ours = rates.get((family, "ours", case))
        beast = rates.get((family, "beast", case))
        if not ours or not beast:
            print(f"  ????  {text}: not measured")
            missed += 1
            continue
        ratio = ours / beast
        ok = ratio >= floor
        missed += not ok
        print(f"  {'PASS' if ok else 'MISS'}  {text}: {ratio:.2f}x (floor {floor:g}x)")
    print(f"\n{len(FLOORS) - missed}/{len(FLOORS)} floors met")
    return 1 if missed and fail_on_miss else 0


def fmt(rate, scale):
    return f"{rate / scale:.2f}" if rate else "-"


if __name__ == "__main__":
    sys.exit(main(sys.argv))
