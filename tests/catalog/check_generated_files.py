#!/usr/bin/env python3
"""Drift check: the committed generated files are what tools/gen_cases.py writes today.

Regenerates into a temporary folder (gen_cases.py --out) and compares with the repository:
every generated cases/*.json, the catalog files marked "generated_by" that the generator
no longer writes (stale), and tests/data/utf8_stress_sequences.txt. Hand-written case files
(without the marker) are left out. Exit status 1, with a diff, when anything differs.

Usage: check_generated_files.py [SOURCE_DIR]   (default: this checkout)
"""

import difflib
import json
import pathlib
import subprocess
import sys
import tempfile

FIX = "run python3 tools/gen_cases.py and commit the result"
# Lines of diff shown per file; enough to see what changed without flooding the log.
MAX_DIFF_LINES = 40
GENERATED_BY = "tools/gen_cases.py"
STRESS_DATA = "tests/data/utf8_stress_sequences.txt"


def read(path: pathlib.Path):
    return path.read_text(encoding="utf-8") if path.exists() else None


def is_generated(path: pathlib.Path):
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("generated_by") == GENERATED_BY
    except (ValueError, AttributeError):
        return False


def show_diff(rel, committed, generated):
    lines = list(difflib.unified_diff(
        (committed or "").splitlines(keepends=True), (generated or "").splitlines(keepends=True),
        f"{rel} (committed)", f"{rel} (generated)"))
    sys.stdout.writelines(lines[:MAX_DIFF_LINES])
    if len(lines) > MAX_DIFF_LINES:
        print(f"... {len(lines) - MAX_DIFF_LINES} more diff lines")
    elif lines and not lines[-1].endswith("\n"):
        print()


def main(argv):
    src = pathlib.Path(argv[1]) if len(argv) > 1 else pathlib.Path(__file__).resolve().parents[2]
    with tempfile.TemporaryDirectory(prefix="wsspec-gen-cases-") as tmp:
        out = pathlib.Path(tmp)
        subprocess.run([sys.executable, str(src / "tools/gen_cases.py"), "--out", str(out)],
                       check=True)
        generated = {p.name for p in (out / "cases").glob("*.json")}
        committed = {p.name for p in (src / "cases").glob("*.json")
                     if is_generated(src / "cases" / p.name)}
        problems = []
        for name in sorted(generated | committed):
            rel = f"cases/{name}"
            old, new = read(src / rel), read(out / rel)
            if old == new:
                continue
            if new is None:
                problems.append(f"{rel}: committed, but the generator no longer writes it")
            elif old is None:
                problems.append(f"{rel}: written by the generator, but not committed")
            else:
                problems.append(f"{rel}: differs from the generator's output")
                show_diff(rel, old, new)
        old, new = read(src / STRESS_DATA), read(out / STRESS_DATA)
        if old != new:
            problems.append(f"{STRESS_DATA}: differs from the generator's output")
            show_diff(STRESS_DATA, old, new)
    for p in problems:
        print(f"DRIFT {p}")
    if problems:
        print(f"check_generated_files: {len(problems)} generated file(s) out of date: {FIX}.")
        return 1
    print(f"check_generated_files: {len(generated)} catalog files and {STRESS_DATA} match "
          "tools/gen_cases.py")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
