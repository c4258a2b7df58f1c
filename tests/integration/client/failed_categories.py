#!/usr/bin/env python3
"""Prints the groups with failed cases in a wsspec.json, one "group count" per line.

A group is the first id part for Autobahn ids ("6") and the first two for wsspec's own
("hsc.2"), which is how the client mutation test names the category a defect must hit.

    failed_categories.py REPORT_DIR/wsspec.json
"""
import collections
import json
import sys


def group(case_id):
    parts = case_id.split(".")
    return ".".join(parts[:2]) if not parts[0].isdigit() else parts[0]


def main(path):
    results = json.load(open(path, encoding="utf-8"))
    failed = collections.Counter(group(c["id"]) for c in results["cases"]
                                 if c.get("ran") and not c.get("passed"))
    for name, count in sorted(failed.items()):
        print(name, count)


if __name__ == "__main__":
    main(sys.argv[1])
