"""PDF_PROCESSES, the one setting of the PDF processes (read by the app's settings without
loading WeasyPrint or the pool)."""

from __future__ import annotations

import os

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class PdfSettings(BaseSettings):
    """PDF_PROCESSES: processes rendering PDFs (unset: the usable cores; 0 or 1: in-process)."""

    model_config = SettingsConfigDict(extra="ignore")

    pdf_processes: int | None = Field(None, ge=0, le=256)

    def processes(self) -> int:
        """The pool's size; 1 means rendering in the calling process."""
        if self.pdf_processes is not None:
            return max(self.pdf_processes, 1)
        return usable_cores()


def usable_cores() -> int:
    """The cores this process may run on (its affinity, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
