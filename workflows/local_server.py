"""Prefect's local (ephemeral) server as a child process that always ends with its parent.

Without PREFECT_API_URL, Prefect starts a server subprocess on first use and stops it at
exit; a SIGTERM or a crash skips that and left it running, still listening. ChildServer is
that server started with a parent-death signal (the test harness uses it); `dossier serve`
launches its own without importing this module (workflows/local_prefect.py).
"""

from __future__ import annotations

import os
import subprocess
from typing import Any

from prefect.server.api.server import SubprocessASGIServer
from prefect.settings import get_current_settings

from workflows.local_prefect import start_server


class ChildServer(SubprocessASGIServer):
    """Prefect's subprocess server, started with a parent-death signal."""

    def _run_uvicorn_command(self) -> subprocess.Popen[Any]:
        # The settings of the caller's context too (a test harness sets them, not the env).
        return start_server(self.port, {
            **os.environ, **get_current_settings().to_environment_variables(exclude_unset=True)})
