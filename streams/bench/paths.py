"""Paths as results record them: relative to the project root.

Results are committed and read on other machines, where this checkout's
absolute location means nothing (the corpus shows as ``../shared/...``).
"""

from __future__ import annotations

import os
from pathlib import Path

from streams.settings import PROJECT_ROOT


def repo_relative(path: Path | str) -> str:
    """``path`` relative to the project root."""
    return os.path.relpath(Path(path).resolve(), PROJECT_ROOT)
