#!/usr/bin/env python3
"""Summarize a wsspec.json for reports/samples/: counts per verdict and every case that
is not OK, with its reasons. The text holds no timings, so it is stable from run to run
as long as the verdicts are.

    python3 results_summary.py wsspec.json NAME [--failed-out FILE]

Prints the summary. --failed-out writes the ids of the cases that did not pass (a verdict
outside OK / NON-STRICT / INFORMATIONAL / UNIMPLEMENTED on either field (the judge passes those too)), one per line, sorted.
"""

import argparse
import collections
import json
import re
import sys

PASSING = {"OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED"}


def id_key(cid):
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in cid.split(".")]


def stable(text):
    # Durations, ports and accept keys (of random request keys) vary from run to run.
    text = re.sub(r"\b\d+(\.\d+)? ?ms\b", "N ms", text)
    text = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", text)
    return re.sub(r'"[A-Za-z0-9+/]{27}="', '"<accept key>"', text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("name")
    ap.add_argument("--failed-out")
    args = ap.parse_args()
    doc = json.load(open(args.results))
    cases = sorted((c for c in doc["cases"] if c.get("ran")), key=lambda c: id_key(c["id"]))
    behavior = collections.Counter(c["behavior"] for c in cases)
    close = collections.Counter(c["behavior_close"] for c in cases)
    failed = [c for c in cases
              if c["behavior"] not in PASSING or c["behavior_close"] not in PASSING]
    out = [f"wsspec {doc.get('mode', 'test-server')} against {args.name}",
           f"agent: {stable(doc.get('agent', '?'))}",
           f"cases run: {len(cases)}; passed: {len(cases) - len(failed)}; "
           f"not passed: {len(failed)}",
           "",
           "behavior:       " + ", ".join(f"{k} {v}" for k, v in sorted(behavior.items())),
           "behavior_close: " + ", ".join(f"{k} {v}" for k, v in sorted(close.items())),
           "",
           "Cases not OK (behavior / behavior_close, then the reasons):"]
    non_ok = [c for c in cases if c["behavior"] != "OK" or c["behavior_close"] != "OK"]
    if not non_ok:
        out.append("  (none)")
    for c in non_ok:
        out.append(f"  {c['id']}: {c['behavior']} / {c['behavior_close']}")
        if c["behavior"] != "OK":
            out.append(f"      behavior: {stable(c['result'])}")
        if c["behavior_close"] != "OK":
            out.append(f"      close: {stable(c['result_close'])}")
    print("\n".join(out))
    if args.failed_out:
        with open(args.failed_out, "w") as f:
            f.writelines(c["id"] + "\n" for c in failed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
