"""Writes the generated files into a repository-shaped tree and removes the catalog files
an earlier run wrote that this one no longer produces."""

import json
import pathlib

from .catalog import GENERATED_BY, catalog_files
from .utf8_stress_file import PATH as STRESS_PATH, utf8_stress_text

CASES = "cases"


def write_if_changed(path: pathlib.Path, text: str):
    """Leaves an identical file untouched (its timestamp too)."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def remove_stale(cases_dir: pathlib.Path, written):
    """Deletes generated files (marked "generated_by") that were not written this time;
    hand-written files stay."""
    removed = []
    for old in sorted(cases_dir.glob("*.json")):
        if old.name in written:
            continue
        try:
            stale = json.loads(old.read_text(encoding="utf-8")).get("generated_by")
        except (ValueError, AttributeError):
            stale = None
        if stale == GENERATED_BY:
            old.unlink()
            removed.append(old.name)
    return removed


def write_all(root: pathlib.Path):
    """Writes root/cases/*.json and root/tests/data/utf8_stress_sequences.txt. Returns
    (cases dir, number of catalog files, number of cases)."""
    files, n_cases = catalog_files()
    cases_dir = root / CASES
    cases_dir.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        write_if_changed(cases_dir / name, text)
    remove_stale(cases_dir, files)
    write_if_changed(root / STRESS_PATH, utf8_stress_text())
    return cases_dir, len(files), n_cases
