"""The Jupyter kernel a build runs its notebooks in: this very Python, whatever the machine has registered."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

KERNEL_NAME = "safer-analysis"
DISPLAY_NAME = "Python (safer-analysis)"


def kernel_dir() -> Path:
    """A private Jupyter data folder whose kernel runs this very Python interpreter.

    Put first on JUPYTER_PATH, so a build never depends on which kernels the machine has
    registered, nor on a kernel of the same name that points at another environment. The
    kernel draws figures without a screen (the Agg backend); importing the package never
    chooses a backend itself.
    """
    root = Path(tempfile.mkdtemp(prefix="safer-analysis-kernel-"))
    spec_dir = root / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": DISPLAY_NAME,
        "language": "python",
        "env": {"MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    return root
