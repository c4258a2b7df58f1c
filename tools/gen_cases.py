#!/usr/bin/env python3
"""Writes the wsspec case catalog into cases/, one JSON file per group.

The Autobahn|Testsuite server catalog (categories 1-7, 9 and 10, with Autobahn's ids) is
reproduced case for case: the same frames, chops, fragment sizes and close payloads, and
the same verdict structure (OK / NON-STRICT alternatives, closedByWrongEndpointIsFatal,
WRONG CODE made fatal, informational cases). Waits are shortened and expressed as
`await` steps so a conforming peer runs through the catalog quickly. The hs.*, hsc.*,
sf.*, cf.* and u8.* groups are wsspec's own.

Run from anywhere: `python3 tools/gen_cases.py [--out DIR]`. Standard library only. The
output is deterministic; commit it, so what runs is always a file you can read. Files this
script wrote earlier and no longer produces are removed (only files marked
"generated_by"). The generator itself is the package tools/casegen/ (see cases/README.md).
"""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from casegen.cli import main  # noqa: E402  (needs the path above)

if __name__ == "__main__":
    sys.exit(main())
