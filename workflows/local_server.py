"""Prefect's local (ephemeral) server as a child process that always ends with its parent.

Without PREFECT_API_URL, Prefect starts a server subprocess on first use and stops it at
exit; a SIGTERM or a crash skips that and left it running, still listening. Here it is
started by the serving process's main thread with a parent-death signal, so the kernel ends
it whenever that process ends, however it ends.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from typing import Any

import prefect
from prefect.server.api.server import SubprocessASGIServer
from prefect.settings import (
    PREFECT_API_URL,
    PREFECT_SERVER_EPHEMERAL_ENABLED,
    get_current_settings,
)

_PR_SET_PDEATHSIG = 1
# Looked up now: the child, between fork and exec, must not load anything.
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


def _end_with_parent() -> None:
    """In the child, before exec: SIGTERM when the thread that started it ends (Linux)."""
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


class ChildServer(SubprocessASGIServer):
    """Prefect's subprocess server, started with a parent-death signal."""

    def _run_uvicorn_command(self) -> subprocess.Popen[Any]:
        # Prefect's own command (prefect/server/api/server.py), plus the preexec hook.
        server_env = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                      "PREFECT__SERVER_FINAL": "1"}
        return subprocess.Popen(
            args=[sys.executable, "-m", "uvicorn", "--app-dir",
                  str(prefect.__module_path__.parent), "--factory",
                  "prefect.server.api.server:create_app", "--host", "127.0.0.1",
                  "--port", str(self.port), "--log-level", "error", "--lifespan", "on"],
            env={**os.environ, **server_env,
                 **get_current_settings().to_environment_variables(exclude_unset=True)},
            preexec_fn=_end_with_parent,  # only a prctl call: safe between fork and exec
        )


def start_local_server() -> str | None:
    """Start the local Prefect server now, in this thread; its API URL.

    Call it from the process's main thread (the parent-death signal follows the thread that
    starts the child). None when PREFECT_API_URL names a server, or one is already running
    (a test harness).
    """
    if (PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value()
            or SubprocessASGIServer._instances.get(None) is not None):
        return None
    server = ChildServer()  # registered under the key Prefect's own client looks up
    server.start()
    return server.api_url
