#!/usr/bin/env python3
"""Summarizes codec_bench's JSON output as ratios of ours against each reference.

Benchmarks are named family/implementation/case (e.g. "unmask/beast/1MiB"). For every
family and case this prints our throughput, each reference's, and ours/reference (above 1:
ours is faster). For permessage-deflate (the deflate_* families) it also prints what the
codec costs on top of zlib called directly (time overhead) and ours/Beast. Then it checks
the project's performance floors: against Boost.Beast for the frame and UTF-8 paths,
against zlib for permessage-deflate. With repetitions, the median of the repetitions is
used.

Usage: bench_codec_summary.py RESULTS.json [--fail-on-miss]
"""
import json
import statistics
import sys
from collections import defaultdict

# (family, case, reference, minimum ours/reference ratio, what the floor says)
FLOORS = [
    ("unmask", "1MiB", "beast", 1.5, "unmask 1 MiB >= 1.5x Beast"),
    ("unmask", "16B", "beast", 1.0, "unmask 16 B no slower than Beast"),
    ("utf8", "ascii_1MiB", "beast", 2.0, "UTF-8 ASCII 1 MiB >= 2x Beast"),
    ("utf8", "mixed_1MiB", "beast", 5.0, "UTF-8 mixed 1 MiB >= 5x Beast"),
    ("utf8", "short_16B", "beast", 1.0, "UTF-8 16 B messages no slower than Beast"),
    ("utf8", "short_64B", "beast", 1.0, "UTF-8 64 B messages no slower than Beast"),
    ("utf8", "short_200B", "beast", 1.0, "UTF-8 200 B messages no slower than Beast"),
    ("small_frames", "16B", "beast", 5.0, "16 B masked frames >= 5x Beast's read path"),
]
# permessage-deflate: the codec (framing, chunked inflation, limits) costs under 10% on
# top of zlib called directly. Not for deflate_inflate_w9, which checks every distance
# against a small window one byte at a time on purpose (tests/bench/deflate_bench.cpp).
DEFLATE_MAX_OVERHEAD = 0.10
for _family, _what in (("deflate_compress", "compress"), ("deflate_inflate", "inflate")):
    for _case, _size in (("1KiB", "1 KiB"), ("16KiB", "16 KiB"), ("128KiB", "128 KiB")):
        FLOORS.append((_family, _case, "zlib", 1 / (1 + DEFLATE_MAX_OVERHEAD),
                       f"deflate {_what} {_size} under {DEFLATE_MAX_OVERHEAD:.0%} over zlib"))

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

    print_deflate_overheads(rates, order)

    print("\nFloors (ours / reference)")
    missed = 0
    for family, case, ref, floor, text in FLOORS:
        ours = rates.get((family, "ours", case))
        other = rates.get((family, ref, case))
        if not ours or not other:
            print(f"  ????  {text}: not measured")
            missed += 1
            continue
        ratio = ours / other
        ok = ratio >= floor
        missed += not ok
        if ref == "zlib":
            print(f"  {'PASS' if ok else 'MISS'}  {text}: {overhead(ours, other):+.1%} "
                  f"(floor {1 / floor - 1:+.0%})")
        else:
            print(f"  {'PASS' if ok else 'MISS'}  {text}: {ratio:.2f}x (floor {floor:g}x)")
    print(f"\n{len(FLOORS) - missed}/{len(FLOORS)} floors met")
    return 1 if missed and fail_on_miss else 0


def overhead(ours, zlib):
    """What the codec's time costs on top of zlib's: 0.05 is 5% slower."""
    return zlib / ours - 1


def print_deflate_overheads(rates, order):
    cases = []
    for family, impl, case in order:
        if family.startswith("deflate") and (family, case) not in cases:
            cases.append((family, case))
    families = list(dict.fromkeys(family for family, _ in cases))
    cases.sort(key=lambda fc: families.index(fc[0]))  # stable: cases keep their order
    if not cases:
        return
    print("\npermessage-deflate: ours over zlib (time; floor under "
          f"{DEFLATE_MAX_OVERHEAD:.0%} except _w9) and ours / Beast (above 1: ours is faster)")
    header = f"{'family':<20} {'case':<8} {'over zlib':>10} {'x beast':>9}"
    print(header)
    print("-" * len(header))
    for family, case in cases:
        ours = rates.get((family, "ours", case))
        zlib = rates.get((family, "zlib", case))
        beast = rates.get((family, "beast", case))
        over = f"{overhead(ours, zlib):+.1%}" if ours and zlib else "-"
        ratio = f"{ours / beast:.2f}x" if ours and beast else "-"
        print(f"{family:<20} {case:<8} {over:>10} {ratio:>9}")


def fmt(rate, scale):
    return f"{rate / scale:.2f}" if rate else "-"


if __name__ == "__main__":
    sys.exit(main(sys.argv))
