#!/usr/bin/python3
"""Which planted bug of planted_bug_server.py each finding of a `wsspec fuzz-server` run is,
by what the finding says (its oracle and signature): one table, used by
tests/integration/test_fuzz_planted_bugs.sh and `tools/bench.sh fuzz_planted`.

    python3 planted_bug_findings.py FUZZ_JSON      # one line per bug: time to find, or MISS
"""

import json
import sys

# Each planted bug, by its finding (deduplication makes one finding per bug, except the
# corrupted echo, which a peer can show as wrong bytes or as invalid UTF-8 sent).
BUGS = {
    "fragment-crash": lambda f: f["kind"] == "crash" and "reassemble_fragment" in f["signature"],
    "close-reason-crash": lambda f: f["kind"] == "crash" and "format_close_reason" in f["signature"],
    "handshake-crash": lambda f: f["kind"] == "crash" and "merge_header_field" in f["signature"],
    "ping-hang": lambda f: f["kind"] == "hang",
    "echo-corruption": lambda f: f["kind"] == "judge" and f["signature"] in (
        "judge|wrong-bytes", "judge|sent:invalid_utf8"),
    "pong-leak": lambda f: f["kind"] == "resource",
}


def bug_of(finding):
    """The name of the planted bug `finding` reports, or None."""
    for name, match in BUGS.items():
        if match(finding):
            return name
    return None


def by_bug(findings):
    """{bug: [findings in the order found]}, and the findings that are no planted bug."""
    found, other = {}, []
    for f in findings:
        name = bug_of(f)
        if name is None:
            other.append(f)
        else:
            found.setdefault(name, []).append(f)
    return found, other


def main():
    report = json.load(open(sys.argv[1]))
    found, other = by_bug(report.get("findings", []))
    for name in BUGS:
        if name in found:
            f = min(found[name], key=lambda f: f["at_s"])
            print(f"{name:<19} {f['at_s']:6.1f} s  after {f['exec']:>7} inputs  ({f['id']}, {f['kind']})")
        else:
            print(f"{name:<19}      -    not found")
    for f in other:
        print(f"other finding: {f['id']} {f['signature']}")


if __name__ == "__main__":
    main()
