#!/usr/bin/env python3
"""Checks every case file in cases/ (or the files given) against cases/case.schema.json.

The C++ loader (harness/cases/case_loader.cpp) is the authority and checks more (ids in
their group, unique ids, pauses within the payload); this keeps the schema that editors
use honest. Needs python3-jsonschema (installed by tools/setup.sh). Exit status 1 when a
file does not validate.
"""

import json
import pathlib
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("validate_cases: python3-jsonschema is missing (run tools/setup.sh)")

CASES_DIR = pathlib.Path(__file__).resolve().parent.parent / "cases"


def main(argv):
    schema = json.loads((CASES_DIR / "case.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    files = [pathlib.Path(a) for a in argv] or sorted(
        p for p in CASES_DIR.glob("*.json") if not p.name.endswith(".schema.json"))
    if not files:
        print(f"validate_cases: no case files in {CASES_DIR}", file=sys.stderr)
        return 1
    failures = 0
    for path in files:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as e:  # a file that is not JSON (or not UTF-8) at all
            print(f"{path}: not a JSON document: {e}")
            failures += 1
            continue
        for error in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
            pointer = "".join(f"/{p}" for p in error.absolute_path) or "(root)"
            print(f"{path}: {pointer}: {error.message}")
            failures += 1
    print(f"validate_cases: {len(files)} files, {failures} errors", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
