"""Check, execute, export, assemble, swap: building the board pack.

Importing the pipeline keeps jsonschema (which nbformat, papermill and nbconvert load) from
importing ``rfc3987_syntax``: that package builds a parser at import time (about 1.3 s of every
``papermill`` or ``nbconvert`` start-up on this environment) only to check the ``iri`` string
format, which no notebook schema uses.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
