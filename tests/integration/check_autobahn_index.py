#!/usr/bin/env python3
"""Reads a wsspec report directory the way Autobahn|Testsuite consumers read theirs, and
cross-checks it with wsspec.json.

- tungstenite-rs: `jq -S 'del(.."duration")' index.json` diffed against a golden file:
  the same JSON, keys sorted, minus durations, must be what wsspec.json says.
- libwebsockets: greps index.json line by line for `"behavior": "..."` and counts the
  verdicts; the file must be laid out as ATS writes it (indent 3, one key per line).
- uWebSockets: loads index.json and requires behavior and behaviorClose in
  {OK, INFORMATIONAL, NON-STRICT}; every reportfile must exist and carry the case keys.

usage: check_autobahn_index.py REPORT_DIR
"""
import json
import os
import re
import sys
from collections import Counter

PASSING = {"OK", "INFORMATIONAL", "NON-STRICT"}
CASE_KEYS = ["case", "id", "description", "expectation", "agent", "started", "duration",
             "behavior", "behaviorClose", "expected", "expectedClose", "received", "result",
             "resultClose", "wirelog", "closedByMe", "failedByMe", "droppedByMe", "wasClean",
             "localCloseCode", "remoteCloseCode", "remoteCloseReason", "isServer",
             "httpRequest", "httpResponse"]


def fail(msg):
    print("check_autobahn_index: FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def clean_for_filename(s):
    s0 = "".join(c if c in "abcdefghjiklmnopqrstuvwxyz0123456789" else " " for c in s.strip().lower())
    return s0.strip().replace(" ", "_")


def del_duration(obj):
    if isinstance(obj, dict):
        return {k: del_duration(v) for k, v in obj.items() if k != "duration"}
    return obj


def main():
    report_dir = sys.argv[1]
    text = open(os.path.join(report_dir, "index.json"), encoding="ascii").read()
    index = json.loads(text)
    results = json.load(open(os.path.join(report_dir, "wsspec.json"), encoding="utf-8"))
    runs = results["runs"] if results.get("format") == "wsspec-results-set" else [results]

    # Layout: exactly what Python's json.dumps(sort_keys=True, indent=3) gives.
    if text != json.dumps(index, sort_keys=True, indent=3, separators=(",", ": ")):
        fail("index.json is not laid out as json.dumps(sort_keys=True, indent=3)")

    # tungstenite: the golden-file comparison without durations.
    golden = {}
    for run in runs:
        agent = run["agent"]
        golden[agent] = {}
        for c in run["cases"]:
            if not c["ran"]:
                continue
            golden[agent][c["id"]] = {
                "behavior": c["behavior"],
                "behaviorClose": c["behavior_close"],
                "remoteCloseCode": c["close"]["remote_close_code"],
                "reportfile": clean_for_filename(agent) + "_case_" + c["id"].replace(".", "_") + ".json",
            }
    if del_duration(index) != golden:
        fail("index.json minus durations differs from wsspec.json")
    for agent, cases in index.items():
        for cid, c in cases.items():
            if not isinstance(c["duration"], int):
                fail(f"{cid}: duration is not an integer")

    # libwebsockets: grep the behavior lines.
    grep_counts = Counter(re.findall(r'^\s*"behavior": "([A-Z -]+)",$', text, re.M))
    json_counts = Counter(c["behavior"] for run in runs for c in run["cases"] if c["ran"])
    if grep_counts != json_counts:
        fail(f"grep counts {dict(grep_counts)} != wsspec.json {dict(json_counts)}")

    # uWebSockets: pass/fail per case, and every reportfile readable with the case keys.
    failing = 0
    for agent, cases in index.items():
        for cid, c in cases.items():
            if c["behavior"] not in PASSING or c["behaviorClose"] not in PASSING:
                failing += 1
            per_case = json.load(open(os.path.join(report_dir, c["reportfile"]), encoding="ascii"))
            missing = [k for k in CASE_KEYS if k not in per_case]
            if missing:
                fail(f"{c['reportfile']} lacks {missing}")
            if per_case["id"] != cid or per_case["agent"] != agent:
                fail(f"{c['reportfile']}: id/agent mismatch")
            if per_case["behavior"] != c["behavior"] or per_case["duration"] != c["duration"]:
                fail(f"{c['reportfile']}: verdict or duration differs from index.json")
            for entry in per_case["wirelog"]:
                if entry[0] in ("RO", "TO") and not (isinstance(entry[1], list) and len(entry[1]) == 2):
                    fail(f"{c['reportfile']}: bad {entry[0]} wirelog entry")
    print(f"check_autobahn_index: OK ({sum(len(c) for c in index.values())} cases, "
          f"{failing} not passing by the uWebSockets rule, verdicts {dict(grep_counts)})")


main()
