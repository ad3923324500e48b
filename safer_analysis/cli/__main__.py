"""``python -m safer_analysis.cli``: the command line."""

import sys

from safer_analysis.cli import main

sys.exit(main())
