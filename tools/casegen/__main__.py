"""`python3 -m casegen` from tools/; `python3 tools/gen_cases.py` does the same."""

import sys

from .cli import main

sys.exit(main())
