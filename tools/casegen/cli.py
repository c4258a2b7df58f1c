"""The command line of the generator (`python3 tools/gen_cases.py [--out DIR]`)."""

import argparse
import pathlib
import sys

from .catalog_writer import write_all

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent.parent


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="gen_cases.py",
        description="Writes the case catalog (cases/*.json) and the UTF-8 stress sequences "
                    "of the unit tests (tests/data/utf8_stress_sequences.txt).")
    parser.add_argument("--out", metavar="DIR", type=pathlib.Path, default=REPO_ROOT,
                        help="write DIR/cases/ and DIR/tests/data/ instead of the repository's "
                             "(default: the repository root)")
    args = parser.parse_args(argv)
    cases_dir, n_files, n_cases = write_all(args.out)
    print(f"gen_cases: {n_cases} cases in {n_files} files under {cases_dir}", file=sys.stderr)
    return 0
