"""What a PDF child runs in the tests (importable by name, as a child process needs)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from workflows.pdf_processes import render


def die_once(marker: str, content: dict[str, Any], options: dict[str, Any]) -> bytes:
    """The first render kills its process (as the OOM killer would); later ones render."""
    try:
        Path(marker).touch(exist_ok=False)
    except FileExistsError:
        return render(content, options)
    os._exit(1)
