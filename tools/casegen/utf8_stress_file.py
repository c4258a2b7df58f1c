"""tests/data/utf8_stress_sequences.txt: the stress sequences of cases 6.5-6.23 as plain
text, one per line, for the UTF-8 validator's unit tests (tests/unit/utf8_validator_test.cpp),
written from the same data as the catalog so the two cannot drift apart."""

from .catalog import GENERATED_BY
from .utf8_sequences import kuhn_sequences

# Where the file lives, relative to the repository root.
PATH = "tests/data/utf8_stress_sequences.txt"
# Autobahn numbers the stress groups from 6.5.
FIRST_GROUP = 5


def utf8_stress_text():
    lines = [f"# Written by {GENERATED_BY} (utf8_sequences.py); do not edit.",
             "# Markus Kuhn's UTF-8 decoder stress sequences as Autobahn cases 6.5-6.23 send them",
             "# (one text message each). Format: <autobahn case> <valid|invalid> <payload hex>",
             "# '#' starts a comment line; group titles precede each group."]
    for sub, (title, _slug, seqs) in enumerate(kuhn_sequences(), start=FIRST_GROUP):
        lines.append(f"# 6.{sub} {title}")
        for n, (valid, octets) in enumerate(seqs, start=1):
            lines.append(f"6.{sub}.{n} {'valid' if valid else 'invalid'} {octets.hex()}")
    return "\n".join(lines) + "\n"
